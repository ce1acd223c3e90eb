import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

/** DuckDB keeps its write-ahead log beside the database file, under the same name. */
export function duckDbFiles(path: string): string[] {
  return [path, `${path}.wal`];
}

/** Removes a DuckDB database and its write-ahead log; false when there was no database. */
export async function removeDuckDbFile(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  for (const file of duckDbFiles(path)) await rm(file, { force: true });
  return true;
}
