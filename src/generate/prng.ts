/**
 * Seeded randomness: sfc32 (a small, fast 128-bit-state generator) seeded through a hash of the
 * run seed and a stream name, so every concern (orders of day 12, defects of one file, ...) has its
 * own independent stream. Changing what one stream draws never shifts another, which keeps the
 * clean data identical whatever the defect rate is.
 */

/** A 32-bit mix of a list of numbers and strings (murmur3 finaliser over an FNV-style fold). */
export function hash32(...parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'number') {
      h = Math.imul(h ^ (part | 0), 0x01000193);
      h = Math.imul(h ^ Math.floor(part / 4294967296), 0x01000193);
    } else {
      for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0xff, 0x01000193);
    }
  }
  return fmix32(h);
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from a hash — for per-entity attributes that need no stream. */
export function hashUnit(...parts: readonly (number | string)[]): number {
  return hash32(...parts) / 4294967296;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number, ...stream: readonly (number | string)[]) {
    this.a = hash32(seed, 1, ...stream);
    this.b = hash32(seed, 2, ...stream);
    this.c = hash32(seed, 3, ...stream);
    this.d = hash32(seed, 4, ...stream) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The next 32-bit unsigned integer (sfc32). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Standard normal (Box–Muller, one value cached). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson-distributed count: exact for small means, normal approximation above 40. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }

  /** Failures before the first success, success probability p. */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/**
 * Walker/Vose alias table: O(1) sampling from a fixed discrete distribution (product popularity,
 * hour of day, cities...).
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] ?? 0;
    if (n === 0 || total <= 0) throw new Error('alias table needs a positive weight');
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      const s = ((weights[i] ?? 0) * n) / total;
      scaled[i] = s;
      if (s < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns] as number;
      const l = large[nl - 1] as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      const rest = (scaled[l] as number) + (scaled[s] as number) - 1;
      scaled[l] = rest;
      if (rest < 1) {
        nl -= 1;
        small[ns++] = l;
      }
    }
    while (nl > 0) this.prob[large[--nl] as number] = 1;
    while (ns > 0) this.prob[small[--ns] as number] = 1;
  }

  sample(rng: Rng): number {
    const x = rng.next() * this.size;
    const i = Math.floor(x);
    return x - i < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}

/** Weighted choice over a short list (linear scan; for lists of a handful of entries). */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Ascending order statistics of `count` uniforms, drawn one at a time in O(1) memory: the next
 * value of a sorted sample without holding the sample. Used to stream a day's events in time order.
 */
export class SortedUniforms {
  private remaining: number;
  private current = 0;

  constructor(
    private readonly rng: Rng,
    count: number,
  ) {
    this.remaining = count;
  }

  /** The next value in ascending order, or undefined when all were drawn. */
  next(): number | undefined {
    if (this.remaining <= 0) return undefined;
    // The minimum of n uniforms on [current, 1) is current + (1 - current) * (1 - U^(1/n)).
    const u = this.rng.next();
    this.current = this.current + (1 - this.current) * (1 - Math.pow(1 - u, 1 / this.remaining));
    this.remaining -= 1;
    return this.current;
  }
}

const TRIPLES: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Sequential ids ('E000000001234'): the prefix is rebuilt once per thousand ids. */
export class SequenceIds {
  private n = 0;
  private block = -1;
  private head = '';

  constructor(
    private readonly prefix: string,
    private readonly width: number,
  ) {}

  next(): string {
    const n = ++this.n;
    const block = Math.floor(n / 1000);
    if (block !== this.block) {
      this.block = block;
      this.head = this.prefix + String(block).padStart(this.width - 3, '0');
    }
    return this.head + (TRIPLES[n - block * 1000] as string);
  }
}
