import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** sha256 and size of a file, streamed: any size in constant memory. */
export async function fileChecksum(path: string): Promise<{ checksum: string; size: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { checksum: hash.digest('hex'), size: (await stat(path)).size };
}

/** The identity of one version of one file: the same bytes at the same path give the same id. */
export function ingestionId(file: string, checksum: string): string {
  return createHash('sha256').update(`${file}\n${checksum}`).digest('hex').slice(0, 24);
}
