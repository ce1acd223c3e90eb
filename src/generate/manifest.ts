/**
 * manifest.json: the arguments, the strata version, every file written (sha256, bytes, rows) and
 * every defect injected (where and what). It holds nothing that varies between two runs with the
 * same arguments — no timings, no absolute paths — so it is byte-identical too.
 */
import { createReadStream, existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { DefectKind } from './defects.ts';
import { FileSink } from './sink.ts';

export const MANIFEST_FORMAT_VERSION = 1;

export interface FileEntry {
  /** Relative to the output folder, '/'-separated. */
  path: string;
  feed: string;
  date: string;
  format: 'json' | 'ndjson' | 'csv' | 'parquet';
  compression: 'gzip' | null;
  /** Records physically in the file: data lines of a CSV, lines of NDJSON, elements of a JSON array. */
  rows: number;
  bytes: number;
  sha256: string;
}

export interface DefectEntry {
  feed: string;
  /** Relative path of the file holding the defect. */
  file: string;
  kind: DefectKind;
  /** 1-based record index in the file; null for whole-file defects. */
  position: number | null;
  /** CSV only: the 1-based line number of the record (the header is line 1). */
  line?: number;
  /** The damaged field ('items[1].quantity' inside lists), in the schema's own naming. */
  field?: string;
  /** The record's key ('O000001234|shipped'), from the clean record. */
  key?: string;
  /** The value written, as text, when a field was altered. */
  value?: string;
  /** duplicate: position of the first copy. */
  duplicate_of?: number;
  /** late_arriving: the file the record belonged in. */
  original_file?: string;
  /** empty_file: records the file should have held. */
  rows_dropped?: number;
  /** Free-text detail (renamed field, extra column, ...). */
  detail?: string;
}

export interface FeedSummary {
  feed: string;
  format: string;
  compression: 'gzip' | null;
  pattern: string;
  files: number;
  rows: number;
  bytes: number;
}

export interface ManifestHeader {
  manifest_version: number;
  generator: string;
  strata_version: string;
  arguments: Record<string, unknown>;
  first_date: string;
  last_date: string;
  feeds: FeedSummary[];
  totals: { files: number; rows: number; bytes: number; defects: number };
  defect_counts: Record<string, number>;
  defect_counts_by_feed: Record<string, Record<string, number>>;
}

/** Where the header object ends and the (possibly huge) file and defect lists begin. */
const FILES_START = ',\n  "files": [';

/** Writes manifest.json, streaming the defect list from the temporary log. */
export async function writeManifest(
  path: string,
  header: ManifestHeader,
  files: readonly FileEntry[],
  defectLogs: readonly string[],
): Promise<void> {
  const sink = new FileSink(path, false);
  const head = JSON.stringify(header, null, 2);
  sink.push(`${head.slice(0, -2)}${FILES_START}\n`);
  files.forEach((f, i) => sink.push(`    ${JSON.stringify(f)}${i < files.length - 1 ? ',' : ''}\n`));
  sink.push('  ],\n  "defects": [');
  // Each log holds one JSON entry per line; lines are re-joined as array elements, chunk by chunk.
  let first = true;
  const emit = async (lines: string): Promise<void> => {
    if (lines.length === 0) return;
    if (sink.push(`${first ? '\n' : ',\n'}    ${lines.split('\n').join(',\n    ')}`)) await sink.flush();
    first = false;
  };
  for (const log of defectLogs) {
    let carry = '';
    for await (const chunk of createReadStream(log, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      carry += chunk as string;
      const end = carry.lastIndexOf('\n');
      if (end < 0) continue;
      await emit(carry.slice(0, end));
      carry = carry.slice(end + 1);
    }
    await emit(carry);
  }
  if (!first) sink.push('\n  ');
  sink.push(']\n}\n');
  await sink.close();
}

export interface Manifest extends ManifestHeader {
  files: FileEntry[];
  defects: DefectEntry[];
}

/**
 * The manifest's header (arguments, totals), read without parsing the file and defect lists
 * that follow it, which can be large. Undefined when there is no readable manifest.
 */
export async function readManifestHeader(path: string): Promise<ManifestHeader | undefined> {
  if (!existsSync(path)) return undefined;
  const LIMIT = 4 << 20;
  const handle = await open(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(64 << 10);
    let text = '';
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0 || position > LIMIT) break;
      position += bytesRead;
      text += decoder.write(buffer.subarray(0, bytesRead));
      const end = text.indexOf(FILES_START);
      if (end >= 0) return parseHeader(`${text.slice(0, end)}\n}`);
    }
  } finally {
    await handle.close();
  }
  return parseHeader(await readFile(path, 'utf8'));
}

function parseHeader(text: string): ManifestHeader | undefined {
  try {
    const header = JSON.parse(text) as Partial<ManifestHeader>;
    return header.arguments && header.totals ? (header as ManifestHeader) : undefined;
  } catch {
    return undefined;
  }
}
