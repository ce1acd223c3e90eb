import { type OutputStream, writeChunk } from '../io.ts';
import { jsonValue } from '../../api/result-values.ts';

/** Pretty JSON with a trailing newline; bigints and dates made JSON-safe. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => jsonValue(v), 2)}\n`;
}

/** One line of NDJSON. */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => jsonValue(v))}\n`;
}

/** Writes a JSON array one element at a time, so a long result never sits in memory. */
export class JsonArrayWriter {
  private count = 0;

  constructor(private readonly out: OutputStream) {}

  async push(value: unknown): Promise<void> {
    const prefix = this.count === 0 ? '[\n  ' : ',\n  ';
    this.count += 1;
    await writeChunk(this.out, prefix + JSON.stringify(value, (_key, v: unknown) => jsonValue(v)));
  }

  async end(): Promise<void> {
    await writeChunk(this.out, this.count === 0 ? '[]\n' : '\n]\n');
  }
}
