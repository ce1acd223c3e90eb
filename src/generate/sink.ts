/**
 * A buffered, hashed file writer. Text is encoded at once into a fixed-size buffer (CHUNK_BYTES);
 * a full buffer is handed to a write stream — through gzip when asked — and the caller awaits
 * `flush()` so backpressure holds. A day's feed is never held whole. The sha256 and byte count are
 * of the bytes that land on disk (the compressed ones for .gz).
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/** Bytes encoded before a chunk is handed to the stream. */
export const CHUNK_BYTES = 1 << 20;
/**
 * Bytes a stream may hold in flight (being compressed or written) before writers wait. Waiting only
 * above this bound lets gzip and disk writes run on other threads while the next records are built.
 */
const STREAM_HIGH_WATER = 8 << 20;
/** Fixed so that the same input always gives the same .gz bytes (Node writes mtime 0, OS 3). */
export const GZIP_LEVEL = 3;

class HashingPassThrough extends Transform {
  bytes = 0;
  constructor(private readonly hash: Hash) {
    super({ highWaterMark: STREAM_HIGH_WATER });
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

export interface SinkResult {
  bytes: number;
  sha256: string;
}

export class FileSink {
  private buffer: Buffer;
  private offset = 0;
  /** Chunks the stream has finished with, reused to spare the allocator and the GC. */
  private readonly spare: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private readonly file: WriteStream;
  private readonly gzip: Gzip | undefined;
  private readonly counter: HashingPassThrough | undefined;
  private plainBytes = 0;
  private overflow: Buffer[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    gzip: boolean,
  ) {
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.file = createWriteStream(path, { highWaterMark: STREAM_HIGH_WATER });
    if (gzip) {
      this.gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
      this.counter = new HashingPassThrough(this.hash);
      this.gzip.pipe(this.counter).pipe(this.file);
    }
  }

  /** Encodes text into the buffer; true when a chunk is ready and `flush()` should be awaited. */
  push(text: string): boolean {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.offset + text.length * 3 > this.buffer.length) {
      this.seal();
      if (text.length * 3 > this.buffer.length) {
        this.overflow.push(Buffer.from(text, 'utf8'));
        return true;
      }
    }
    this.offset += this.buffer.write(text, this.offset, 'utf8');
    return this.overflow.length > 0;
  }

  /** Appends single-byte ASCII characters (separators) without building a string. */
  pushAscii(a: number, b = -1): void {
    if (this.offset + 2 > this.buffer.length) this.seal();
    this.buffer[this.offset++] = a;
    if (b >= 0) this.buffer[this.offset++] = b;
  }

  /** Moves the filled part of the buffer to the queue of chunks to write. */
  private seal(): void {
    if (this.offset === 0) return;
    this.overflow.push(this.buffer.subarray(0, this.offset));
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.offset = 0;
  }

  /** True when chunks wait to be written. */
  get ready(): boolean {
    return this.overflow.length > 0;
  }

  /**
   * Writes the queued chunks (and, with `all`, the partial buffer), waiting while the stream is
   * full. Calls are serialised, so chunks keep their order whoever flushes.
   */
  flush(all = false): Promise<void> {
    if (all) this.seal();
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    const chunks = this.overflow;
    this.overflow = [];
    for (const chunk of chunks) {
      const stream = this.gzip ?? this.file;
      if (!this.gzip) {
        this.hash.update(chunk);
        this.plainBytes += chunk.length;
      }
      const whole = chunk.buffer.byteLength === CHUNK_BYTES && chunk.byteOffset === 0;
      stream.write(chunk, whole ? () => this.recycle(chunk) : undefined);
      // 'drain' fires once the stream is empty; wait only when the in-flight bound is exceeded.
      if (stream.writableLength > STREAM_HIGH_WATER) await once(stream, 'drain');
    }
  }

  private recycle(chunk: Buffer): void {
    if (this.spare.length < 4) this.spare.push(Buffer.from(chunk.buffer, chunk.byteOffset, CHUNK_BYTES));
  }

  async close(): Promise<SinkResult> {
    await this.flush(true);
    if (this.gzip) this.gzip.end();
    else this.file.end();
    await finished(this.file);
    return { bytes: this.counter ? this.counter.bytes : this.plainBytes, sha256: this.hash.digest('hex') };
  }

  /** Closes without caring for the result (on errors). */
  destroy(): void {
    this.gzip?.destroy();
    this.file.destroy();
  }
}
