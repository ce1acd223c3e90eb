import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** sha256 and size of a file, streamed: any size in constant memory. */
export async function fileChecksum(path: string): Promise<{ checksum: string; size: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { checksum: hash.digest('hex'), size: (await stat(path)).size };
}

export type FileChecksum = Awaited<ReturnType<typeof fileChecksum>>;

/**
 * The checksums of files taken in order, each computed a little ahead of its turn: hashing runs on
 * Node's thread, so it proceeds while the engine loads the file before (on its own threads, or
 * PostgreSQL's). `of(i)` starts files i to i + ahead and returns file i's.
 */
export function checksumsAhead(
  paths: readonly string[],
  ahead = 2,
): { of(index: number): Promise<FileChecksum> } {
  const started = new Map<number, Promise<FileChecksum>>();
  const start = (index: number) => {
    if (started.has(index) || index >= paths.length) return;
    const checksum = fileChecksum(paths[index] as string);
    // A file read ahead of a run that stops early is never awaited: its failure is not an error.
    checksum.catch(() => undefined);
    started.set(index, checksum);
  };
  return {
    of(index) {
      for (let i = index; i <= index + ahead; i++) start(i);
      const checksum = started.get(index) as Promise<FileChecksum>;
      started.delete(index);
      return checksum;
    },
  };
}

/** The identity of one version of one file: the same bytes at the same path give the same id. */
export function ingestionId(file: string, checksum: string): string {
  return createHash('sha256').update(`${file}\n${checksum}`).digest('hex').slice(0, 24);
}
