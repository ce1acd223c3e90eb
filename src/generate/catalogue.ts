/**
 * The product catalogue: sizes, categories, prices, Zipf-like popularity and ratings, derived from
 * the seed and scale alone. `generate` starts from it (and then changes prices, launches and
 * discontinues products day by day); the fixture API serves it in the FakeStore shape, so
 * product_id in the files equals id in the API.
 */
import { hash32, hashUnit, Rng } from './prng.ts';
import { ADJECTIVES, BRANDS, CATEGORIES, DESCRIPTION_PHRASES, type Category } from './pools.ts';

/** Products at scale 1. */
export const PRODUCTS_AT_SCALE_1 = 10_000;
/** Zipf exponent of product popularity. */
export const ZIPF_EXPONENT = 1.07;

export function catalogueSize(scale: number): number {
  return Math.max(20, Math.round(PRODUCTS_AT_SCALE_1 * scale));
}

/** Growable columns of product attributes; index i is product_id i + 1. */
export class ProductTable {
  size = 0;
  category: Uint8Array = new Uint8Array(0);
  priceCents: Int32Array = new Int32Array(0);
  listCents: Int32Array = new Int32Array(0);
  costCents: Int32Array = new Int32Array(0);
  popularity: Float64Array = new Float64Array(0);
  launchedDay: Int32Array = new Int32Array(0);
  discontinued: Uint8Array = new Uint8Array(0);
  ratingTenths: Uint8Array = new Uint8Array(0);
  ratingCount: Int32Array = new Int32Array(0);

  constructor(
    readonly seed: number,
    capacity: number,
  ) {
    this.reserve(capacity);
  }

  reserve(capacity: number): void {
    if (capacity <= this.category.length) return;
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.category = grow(this.category, (n) => new Uint8Array(n));
    this.priceCents = grow(this.priceCents, (n) => new Int32Array(n));
    this.listCents = grow(this.listCents, (n) => new Int32Array(n));
    this.costCents = grow(this.costCents, (n) => new Int32Array(n));
    this.popularity = grow(this.popularity, (n) => new Float64Array(n));
    this.launchedDay = grow(this.launchedDay, (n) => new Int32Array(n));
    this.discontinued = grow(this.discontinued, (n) => new Uint8Array(n));
    this.ratingTenths = grow(this.ratingTenths, (n) => new Uint8Array(n));
    this.ratingCount = grow(this.ratingCount, (n) => new Int32Array(n));
  }

  /** Adds a product with attributes drawn from `rng`; popularity from its Zipf rank. */
  add(rng: Rng, rank: number, launchedDay: number): number {
    if (this.size >= this.category.length) this.reserve(Math.max(16, this.category.length * 2));
    const i = this.size++;
    const shares = CATEGORIES.map((c) => c.share);
    let x = rng.next() * shares.reduce((a, b) => a + b, 0);
    let cat = 0;
    while (cat < CATEGORIES.length - 1 && (x -= shares[cat] as number) >= 0) cat++;
    const category = CATEGORIES[cat] as Category;
    this.category[i] = cat;
    const price = charmPrice(rng.logNormal(category.medianCents, category.sigma), rng);
    this.priceCents[i] = price;
    this.listCents[i] = price;
    this.costCents[i] = Math.max(1, Math.round(price * (0.35 + rng.next() * 0.3)));
    this.popularity[i] = 1 / Math.pow(rank + 1, ZIPF_EXPONENT);
    this.launchedDay[i] = launchedDay;
    this.ratingTenths[i] = Math.max(10, Math.min(50, Math.round((4.1 + 0.45 * rng.normal()) * 10)));
    this.ratingCount[i] = Math.max(0, Math.round(2 + 4000 * this.popularity[i] * (0.5 + rng.next())));
    return i;
  }

  categoryOf(i: number): Category {
    return CATEGORIES[this.category[i] as number] as Category;
  }

  /** Title, e.g. 'Fjällhus Premium Backpack, 15"' — derived from the seed, stable over time. */
  title(i: number): string {
    const h = hash32(this.seed, 'product-title', i);
    const nouns = this.categoryOf(i).nouns;
    const noun = nouns[h % nouns.length] as string;
    const brand = BRANDS[(h >>> 8) % BRANDS.length] as string;
    const adjective = ADJECTIVES[(h >>> 16) % ADJECTIVES.length] as string;
    return `${brand} ${adjective} ${noun}`;
  }

  brand(i: number): string {
    return BRANDS[(hash32(this.seed, 'product-title', i) >>> 8) % BRANDS.length] as string;
  }

  subcategory(i: number): string {
    const subs = this.categoryOf(i).subcategories;
    return subs[hash32(this.seed, 'product-sub', i) % subs.length] as string;
  }

  sku(i: number): string {
    return `${this.categoryOf(i).slug.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(6, '0')}`;
  }

  description(i: number): string {
    const h = hash32(this.seed, 'product-description', i);
    const first = DESCRIPTION_PHRASES[h % DESCRIPTION_PHRASES.length] as string;
    const second = DESCRIPTION_PHRASES[(h >>> 8) % DESCRIPTION_PHRASES.length] as string;
    const title = this.title(i);
    return first === second ? `${title}. ${first}` : `${title}. ${first} ${second}`;
  }

  /** Bin of a product in a warehouse (0 or 1), computed once per product. */
  binLocation(i: number, warehouse: number): string | null {
    let bin = this.bins[i * 2 + warehouse];
    if (bin === undefined) {
      for (let k = this.bins.length; k <= i * 2 + 1; k++) this.bins.push(this.computeBin(k >> 1, k & 1));
      bin = this.bins[i * 2 + warehouse] as string | null;
    }
    return bin;
  }

  private readonly bins: (string | null)[] = [];

  private computeBin(i: number, warehouse: number): string | null {
    const u = hashUnit(this.seed, 'bin', i, warehouse);
    if (u < 0.08) return null;
    return `${String.fromCharCode(65 + (Math.floor(u * 100) % 20))}-${(Math.floor(u * 10_000) % 40) + 1}-${(Math.floor(u * 1_000_000) % 6) + 1}`;
  }
}

/** Prices end in .99 mostly, sometimes .95 or .00 (as FakeStore's mix of decimals and integers). */
function charmPrice(cents: number, rng: Rng): number {
  const dollars = Math.max(1, Math.round(cents / 100));
  const ending = rng.next();
  if (ending < 0.7) return dollars * 100 - 1;
  if (ending < 0.85) return dollars * 100 - 5;
  return dollars * 100;
}

export function repriced(cents: number, factor: number, rng: Rng): number {
  return charmPrice(cents * factor, rng);
}

/** The catalogue as of the start of a run: `catalogueSize(scale)` products with shuffled Zipf ranks. */
export function buildCatalogue(seed: number, scale: number, extraCapacity = 0): ProductTable {
  const n = catalogueSize(scale);
  const table = new ProductTable(seed, n + extraCapacity);
  const rng = new Rng(seed, 'catalogue');
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = ranks[i] as number;
    ranks[i] = ranks[j] as number;
    ranks[j] = t;
  }
  for (let i = 0; i < n; i++) {
    // Launched up to three years before the run; the day is relative (negative = before start).
    table.add(rng, ranks[i] as number, -1 - rng.int(1095));
  }
  return table;
}

/** One product in the FakeStore API shape. */
export interface FakeStoreProduct {
  id: number;
  title: string;
  price: number;
  description: string;
  category: string;
  image: string;
  rating: { rate: number; count: number };
}

export function fakeStoreProduct(table: ProductTable, i: number): FakeStoreProduct {
  return {
    id: i + 1,
    title: table.title(i),
    price: (table.priceCents[i] as number) / 100,
    description: table.description(i),
    category: table.categoryOf(i).name,
    image: `https://fixtures.strata.invalid/img/${i + 1}.png`,
    rating: { rate: (table.ratingTenths[i] as number) / 10, count: table.ratingCount[i] as number },
  };
}
