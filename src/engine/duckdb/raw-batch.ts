import { stat } from 'node:fs/promises';
import type { PreparedRawLoads, RawLoadRequest, RawLoadResult, Session } from '../types.ts';
import { type CsvBatch, readCsvBatch } from './csv-batch.ts';
import { readJsonBatch } from './json-batch.ts';
import { readParquetBatch } from './parquet-batch.ts';
import { loadRawDuckDb } from './raw-reader.ts';

/**
 * The most file bytes read ahead into one temporary table: the lines are held until the transaction
 * appends them (spilling to disk past the memory limit), so a batch of large files is cut into
 * several reads, and a larger file is loaded on its own.
 */
const READ_AHEAD_BYTES = 256 * 1024 * 1024;

/**
 * The raw loads of one transaction. CSV files that share a raw table, dialect and compression are
 * read ahead together (csv-batch.ts) when there are several, and so are JSON-array and NDJSON files
 * sharing a raw table, format and compression (json-batch.ts) and Parquet files sharing a raw table
 * and a schema (parquet-batch.ts); any file a batch could not take straight is loaded on its own by
 * loadRawDuckDb inside the transaction.
 */
export async function prepareRawLoadsDuckDb(
  requests: readonly RawLoadRequest[],
  session: Session,
): Promise<PreparedRawLoads> {
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const key = JSON.stringify([request.target, request.format, request.compression, request.csv ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const batches: { batch: CsvBatch; members: number[] }[] = [];
  const dispose = async () => {
    for (const { batch } of batches) await batch.dispose();
  };
  try {
    for (const group of groups.values()) {
      for (const members of await byReadAhead(group, requests)) {
        if (members.length < 2) continue;
        const batched = members.map((i) => requests[i] as RawLoadRequest);
        if (batched[0]?.format === 'parquet') {
          // Read per schema: the members of each read are indexes into `batched`.
          for (const read of await readParquetBatch(batched, session)) {
            batches.push({ batch: read.batch, members: read.members.map((j) => members[j] as number) });
          }
          continue;
        }
        const batch =
          batched[0]?.format === 'csv'
            ? await readCsvBatch(batched, session)
            : await readJsonBatch(batched, session);
        if (batch) batches.push({ batch, members });
      }
    }
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return {
    async load(tx) {
      const results = new Map<number, RawLoadResult>();
      for (const { batch, members } of batches) {
        for (const [local, result] of await batch.insert(tx)) results.set(members[local] as number, result);
      }
      for (const [i, request] of requests.entries()) {
        if (!results.has(i)) results.set(i, await loadRawDuckDb(request, tx));
      }
      return requests.map((_, i) => results.get(i) as RawLoadResult);
    },
    dispose,
  };
}

/**
 * The group's files cut into runs of at most READ_AHEAD_BYTES of text, in order; a larger file is
 * left out (loaded on its own).
 */
async function byReadAhead(group: number[], requests: readonly RawLoadRequest[]): Promise<number[][]> {
  const runs: number[][] = [];
  let run: number[] = [];
  let bytes = 0;
  for (const i of group) {
    const request = requests[i] as RawLoadRequest;
    // Text compresses about eightfold, and it is the lines (or a Parquet file's records as JSON) that are held.
    const packed = request.compression === 'gzip' || request.format === 'parquet';
    const size = (await stat(request.path)).size * (packed ? 8 : 1);
    if (size > READ_AHEAD_BYTES) continue;
    if (bytes + size > READ_AHEAD_BYTES) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(i);
    bytes += size;
  }
  runs.push(run);
  return runs;
}
