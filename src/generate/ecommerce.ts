/**
 * The e-commerce shop, simulated one day at a time: customers (segments that change with buying
 * behaviour, moves between cities, churn), a catalogue with Zipf popularity and changing prices,
 * campaigns that lift traffic, orders whose status moves on over the following days, in-store
 * sales, clickstream sessions that end in real orders, and stock that depletes and is restocked.
 * State is typed arrays sized by the number of entities plus about a week of open orders; a day's
 * records stream straight into the feed writers.
 */
import {
  dayOfWeek,
  ecommerceSeasonality,
  HOURLY_ECOMMERCE,
  IntradayProfile,
  monthIndex,
  firstDayOfMonthIndex,
  SECONDS_PER_DAY,
  blackFriday,
  ECOMMERCE_WEEKLY,
} from './calendar.ts';
import { buildCatalogue, catalogueSize, repriced, type ProductTable } from './catalogue.ts';
import {
  CAMPAIGN_CHANNELS,
  CAMPAIGNS,
  CUSTOMERS,
  EVENTS,
  INVENTORY,
  ORDERS,
  PRODUCTS,
  SALES,
  SEGMENTS,
} from './feeds.ts';
import type { RowWriter } from './feed-writer.ts';
import { AliasTable, hash32, Rng, SequenceIds, SortedUniforms, weightedIndex } from './prng.ts';
import {
  CATEGORIES,
  CITIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  type Category,
  type City,
} from './pools.ts';
import type { Row } from './schema.ts';

/** Volumes at scale 1, per year for flows. */
export const ECOMMERCE_VOLUME = {
  customers: 100_000,
  products: 10_000,
  ordersPerYear: 1_000_000,
  eventsPerYear: 10_000_000,
  /** In-store transactions relative to online orders. */
  storeSalesShare: 0.2,
} as const;

export type EcommerceWriters = Record<
  'customers' | 'products' | 'campaigns' | 'orders' | 'sales' | 'events' | 'inventory',
  RowWriter
>;

export const ECOMMERCE_SPECS = { CUSTOMERS, PRODUCTS, CAMPAIGNS, ORDERS, SALES, EVENTS, INVENTORY };

const VIP = 0;
const REGULAR = 1;
const OCCASIONAL = 2;

/** Segment behaviour: share of the base, relative order rate, daily churn hazard, promotion threshold. */
const SEGMENT = [
  { share: 0.08, weight: 10, churn: 0.0004, initialOrders: [12, 40], promoteAt: Infinity },
  { share: 0.37, weight: 3, churn: 0.0009, initialOrders: [4, 11], promoteAt: 12 },
  { share: 0.55, weight: 1, churn: 0.0018, initialOrders: [0, 3], promoteAt: 4 },
] as const;

const DIAL_CODES: Record<string, string> = {
  US: '1',
  CA: '1',
  MX: '52',
  GB: '44',
  IE: '353',
  DE: '49',
  FR: '33',
  ES: '34',
  IT: '39',
  NL: '31',
  SE: '46',
  DK: '45',
  PL: '48',
  AT: '43',
  CH: '41',
  PT: '351',
  AU: '61',
  NZ: '64',
  BR: '55',
  JP: '81',
  SG: '65',
};

const CHANNEL_WEIGHTS = [0.55, 0.33, 0.12];
const CHANNELS = ['web', 'mobile_app', 'marketplace'] as const;
/** Payment method weights per channel, in PAYMENT_METHODS order. */
const PAYMENT_WEIGHTS = [
  [45, 25, 8, 12, 4, 6],
  [35, 20, 35, 6, 4, 0],
  [60, 30, 0, 0, 10, 0],
];
const PAYMENTS = ['credit_card', 'paypal', 'apple_pay', 'klarna', 'gift_card', 'bank_transfer'] as const;
const POS_PAYMENTS = ['cash', 'credit_card', 'debit_card', 'mobile_pay'] as const;
const POS_PAYMENT_WEIGHTS = [20, 45, 25, 10];
const WAREHOUSE_IDS = ['WH-NA', 'WH-EU'] as const;

const CAMPAIGN_SOURCES: Record<(typeof CAMPAIGN_CHANNELS)[number], { sources: string[]; medium: string }> = {
  email: { sources: ['newsletter'], medium: 'email' },
  paid_search: { sources: ['google', 'bing'], medium: 'cpc' },
  paid_social: { sources: ['facebook', 'instagram', 'tiktok'], medium: 'paid_social' },
  display: { sources: ['gdn', 'criteo'], medium: 'display' },
  affiliate: { sources: ['partner-network'], medium: 'affiliate' },
};
const CAMPAIGN_THEMES = [
  'Spring Sale',
  'Summer Deals',
  'Back to School',
  'Autumn Edit',
  'New Arrivals',
  'Weekend Flash',
  'Loyalty Rewards',
  'Clearance',
];
const OBJECTIVES = ['awareness', 'conversion', 'retention'];

const ORGANIC_REFERRERS = [
  'www.google.com',
  'www.bing.com',
  'duckduckgo.com',
  'www.facebook.com',
  'www.instagram.com',
  'www.pinterest.com',
  'news.ycombinator.com',
];
const ORGANIC_REFERRER_WEIGHTS = [50, 6, 4, 10, 8, 4, 1];

interface Campaign {
  id: string;
  name: string;
  channel: string;
  source: string;
  medium: string;
  utm: string;
  start: number;
  end: number;
  created: number;
  createdSecond: number;
  budgetCents: number;
  budgetChange: number;
  newBudgetCents: number;
  objective: string;
  lift: number;
  discountPct: number;
}

interface PendingStatus {
  row: Row;
  status: string;
  second: number;
  warehouse: number;
}

interface TrackedOrder {
  second: number;
  customer: number;
  orderId: string;
  totalCents: number;
  products: number[];
  device: string;
  campaign: Campaign | undefined;
}

/** A growable list of int32 values. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 16) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  clear(): void {
    this.length = 0;
  }
}

function grow<T extends Uint8Array | Uint16Array | Int32Array>(
  old: T,
  capacity: number,
  make: (n: number) => T,
): T {
  if (capacity <= old.length) return old;
  const next = make(capacity);
  next.set(old);
  return next;
}

export class EcommerceSimulation {
  private readonly rngInit: Rng;
  private readonly products: ProductTable;
  private productAlias: AliasTable;
  private productAliasIndex: Int32Array;
  private readonly cityAlias: AliasTable;
  private readonly cityWeights: number[];
  private readonly intraday = new IntradayProfile(HOURLY_ECOMMERCE);
  private readonly storeHours = new IntradayProfile([
    0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 7, 9, 9, 8, 8, 9, 10, 10, 8, 4, 0, 0, 0,
  ]);

  // Customers
  private nCustomers = 0;
  private segment: Uint8Array = new Uint8Array(0);
  private city: Uint16Array = new Uint16Array(0);
  private signupDay: Int32Array = new Int32Array(0);
  private signupSecond: Int32Array = new Int32Array(0);
  private churned: Uint8Array = new Uint8Array(0);
  private orderCount: Uint16Array = new Uint16Array(0);
  /** Day a customer last changed (-1 = never): one record per customer and day, written once. */
  private changedDay: Int32Array = new Int32Array(0);
  /** Customers changed today, in the order of their first change. */
  private changedCustomers: number[] = [];
  private readonly pools: IntList[] = [new IntList(), new IntList(), new IntList()];
  private readonly active = [0, 0, 0];
  private poolChanges = 0;
  private promotions: number[] = [];

  // Products
  /** Day a product last changed (-1 = never), and the products changed today in order. */
  private productChangedDay: Int32Array = new Int32Array(0);
  private changedProducts: number[] = [];
  private productsChanged = false;
  private readonly initialProducts: number;

  // Inventory (product × warehouse slots)
  private onHand: Int32Array = new Int32Array(0);
  private sold: Int32Array = new Int32Array(0);
  private received: Int32Array = new Int32Array(0);
  private returned: Int32Array = new Int32Array(0);
  private reorderPoint: Int32Array = new Int32Array(0);
  private orderUpTo: Int32Array = new Int32Array(0);
  private poArrival: Int32Array = new Int32Array(0);
  private poQty: Int32Array = new Int32Array(0);

  // Flows
  private readonly pending = new Map<number, PendingStatus[]>();
  private readonly campaignMonths = new Map<number, Campaign[]>();
  private orderSeq = 0;
  private saleSeq = 0;
  private readonly eventIds = new SequenceIds('E', 12);
  private sessionSeq = 0;
  private readonly ordersPerDay: number;
  private readonly sessionsPerDay: number;
  private readonly popularityTotal: number;

  constructor(
    private readonly seed: number,
    private readonly scale: number,
    private readonly firstDay: number,
    days: number,
  ) {
    this.rngInit = new Rng(seed, 'ecommerce-init');
    // Campaigns add about 22% on average (sessions included), and a session holds about 2.6 events:
    // the base rates are set so that a year comes out at the volumes above.
    this.ordersPerDay = (ECOMMERCE_VOLUME.ordersPerYear * scale) / 365 / 1.22;
    this.sessionsPerDay = (ECOMMERCE_VOLUME.eventsPerYear * scale) / 365 / 3.2;

    const launchesExpected = Math.ceil(catalogueSize(scale) * 0.0004 * days) + 16;
    this.products = buildCatalogue(seed, scale, launchesExpected);
    this.initialProducts = this.products.size;
    for (let i = 0; i < this.products.size; i++) {
      this.products.launchedDay[i] = firstDay + (this.products.launchedDay[i] as number);
    }
    this.productChangedDay = new Int32Array(this.products.category.length).fill(-1);
    let total = 0;
    for (let i = 0; i < this.products.size; i++) total += this.products.popularity[i] as number;
    this.popularityTotal = total;
    [this.productAlias, this.productAliasIndex] = this.buildProductAlias();

    this.cityWeights = CITIES.map((c) => c.weight);
    this.cityAlias = new AliasTable(this.cityWeights);

    this.initCustomers(days);
    this.initInventory();
  }

  // ── customers ─────────────────────────────────────────────────────────────────────────────

  private reserveCustomers(capacity: number): void {
    this.segment = grow(this.segment, capacity, (n) => new Uint8Array(n));
    this.city = grow(this.city, capacity, (n) => new Uint16Array(n));
    this.signupDay = grow(this.signupDay, capacity, (n) => new Int32Array(n));
    this.signupSecond = grow(this.signupSecond, capacity, (n) => new Int32Array(n));
    this.churned = grow(this.churned, capacity, (n) => new Uint8Array(n));
    this.orderCount = grow(this.orderCount, capacity, (n) => new Uint16Array(n));
    const before = this.changedDay.length;
    this.changedDay = grow(this.changedDay, capacity, (n) => new Int32Array(n));
    if (this.changedDay.length > before) this.changedDay.fill(-1, before);
  }

  private initCustomers(days: number): void {
    const initial = Math.max(50, Math.round(ECOMMERCE_VOLUME.customers * this.scale * 0.8));
    const signupsPerDay = (ECOMMERCE_VOLUME.customers * this.scale * 0.25) / 365;
    this.reserveCustomers(initial + Math.ceil(signupsPerDay * days * 1.3) + 64);
    const rng = this.rngInit;
    for (let i = 0; i < initial; i++) {
      const u = rng.next();
      const seg =
        u < SEGMENT[VIP].share ? VIP : u < SEGMENT[VIP].share + SEGMENT[REGULAR].share ? REGULAR : OCCASIONAL;
      const [lo, hi] = SEGMENT[seg]!.initialOrders;
      const day = this.firstDay - 1 - Math.floor(Math.pow(rng.next(), 0.7) * 1460);
      this.addCustomer(seg, this.cityAlias.sample(rng), day, rng.int(SECONDS_PER_DAY), rng.range(lo, hi));
    }
  }

  private addCustomer(seg: number, city: number, day: number, second: number, orders: number): number {
    const i = this.nCustomers++;
    if (i >= this.segment.length) this.reserveCustomers(this.segment.length * 2);
    this.segment[i] = seg;
    this.city[i] = city;
    this.signupDay[i] = day;
    this.signupSecond[i] = second;
    this.orderCount[i] = Math.min(65_535, orders);
    this.pools[seg]!.push(i);
    this.active[seg]! += 1;
    this.customerIds.push(`C${String(i + 1).padStart(8, '0')}`);
    return i;
  }

  /** Customer ids, built once when a customer is added. */
  private readonly customerIds: string[] = [];

  private customerId(i: number): string {
    return this.customerIds[i] as string;
  }

  private firstName(i: number): string {
    return FIRST_NAMES[hash32(this.seed, 'first', i) % FIRST_NAMES.length] as string;
  }

  private lastName(i: number): string {
    return LAST_NAMES[hash32(this.seed, 'last', i) % LAST_NAMES.length] as string;
  }

  private cityOf(i: number): City {
    return CITIES[this.city[i] as number] as City;
  }

  private customerRow(i: number, updatedSecond: number): Row {
    const first = this.firstName(i);
    const last = this.lastName(i);
    const h = hash32(this.seed, 'contact', i);
    const local = `${first}.${last}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    const email = `${local}.${(i + 1).toString(36)}@${EMAIL_DOMAINS[h % EMAIL_DOMAINS.length] as string}`;
    const city = this.cityOf(i);
    const phone =
      (h >>> 8) % 10 < 7
        ? `+${DIAL_CODES[city.country] ?? '1'} ${100 + ((h >>> 4) % 900)} ${1000 + ((h >>> 12) % 9000)}`
        : null;
    return [
      this.customerId(i),
      first,
      last,
      email,
      phone,
      SEGMENTS[this.segment[i] as number] as string,
      city.name,
      city.country,
      this.signupDay[i] as number,
      (h >>> 20) % 3 !== 0,
      updatedSecond,
    ];
  }

  private async emitCustomer(w: RowWriter, i: number, second: number): Promise<void> {
    if (!w.active) return;
    if (w.write(this.customerRow(i, second))) await w.flush();
  }

  /** Notes that customer `i` changed on `day`; its record is written once, after the day's changes. */
  private customerChanged(i: number, day: number): void {
    if (this.changedDay[i] === day) return;
    this.changedDay[i] = day;
    this.changedCustomers.push(i);
  }

  /** A random active customer, more often from segments that buy more. */
  private pickCustomer(rng: Rng): number {
    // weightedIndex over the three segments, without allocating the weights.
    const w0 = this.active[VIP]! * SEGMENT[VIP].weight;
    const w1 = this.active[REGULAR]! * SEGMENT[REGULAR].weight;
    const w2 = this.active[OCCASIONAL]! * SEGMENT[OCCASIONAL].weight;
    let x = rng.next() * (w0 + w1 + w2);
    let seg = OCCASIONAL;
    if ((x -= w0) < 0) seg = VIP;
    else if ((x -= w1) < 0) seg = REGULAR;
    return this.pickFromSegment(rng, seg);
  }

  private pickFromSegment(rng: Rng, seg: number): number {
    const pool = this.pools[seg]!;
    for (let attempt = 0; attempt < 64 && pool.length > 0; attempt++) {
      const i = pool.data[rng.int(pool.length)] as number;
      if (this.segment[i] === seg && this.churned[i] === 0) return i;
    }
    return rng.int(this.nCustomers);
  }

  private rebuildPools(): void {
    for (const pool of this.pools) pool.clear();
    this.active[0] = this.active[1] = this.active[2] = 0;
    for (let i = 0; i < this.nCustomers; i++) {
      if (this.churned[i]) continue;
      const seg = this.segment[i] as number;
      this.pools[seg]!.push(i);
      this.active[seg]! += 1;
    }
    this.poolChanges = 0;
  }

  private changeSegment(i: number, seg: number): void {
    const old = this.segment[i] as number;
    if (old === seg) return;
    this.segment[i] = seg;
    if (!this.churned[i]) {
      this.active[old]! -= 1;
      this.active[seg]! += 1;
      this.pools[seg]!.push(i);
    }
    this.poolChanges += 1;
  }

  private async customersOfDay(day: number, w: RowWriter): Promise<void> {
    const rng = new Rng(this.seed, 'customers', day);
    const dayStart = day * SECONDS_PER_DAY;
    // The day's changes take effect at midnight, before any order or store sale of the day, and are
    // written once per customer with the state after all of them (see writeCustomerChanges).
    // Promotions earned by yesterday's orders, applied by the nightly CRM job.
    for (const i of this.promotions) {
      const seg = this.segment[i] as number;
      if (seg === VIP) continue;
      this.changeSegment(i, seg - 1);
      this.customerChanged(i, day);
    }
    this.promotions = [];
    // Demotions of customers who stopped buying as much.
    for (const seg of [VIP, REGULAR]) {
      const n = rng.poisson(this.active[seg]! * 0.0006);
      for (let k = 0; k < n; k++) {
        const i = this.pickFromSegment(rng, seg);
        if (this.segment[i] !== seg || this.churned[i]) continue;
        this.changeSegment(i, seg + 1);
        this.orderCount[i] = seg + 1 === REGULAR ? SEGMENT[OCCASIONAL].promoteAt : 0;
        this.customerChanged(i, day);
      }
    }
    // Moves: a new city, usually in the same country.
    const moves = rng.poisson(this.nCustomers * 0.0002);
    for (let k = 0; k < moves; k++) {
      const i = rng.int(this.nCustomers);
      const current = this.cityOf(i);
      let next = this.cityAlias.sample(rng);
      if (rng.chance(0.7)) {
        const same = CITIES.map((c, idx) =>
          c.country === current.country && c.name !== current.name ? idx : -1,
        ).filter((x) => x >= 0);
        if (same.length > 0) next = rng.pick(same);
      }
      if (next === this.city[i]) continue;
      this.city[i] = next;
      this.customerChanged(i, day);
    }
    // Churn: customers who silently stop buying (no record — it shows in behaviour only).
    for (const seg of [VIP, REGULAR, OCCASIONAL]) {
      const n = rng.poisson(this.active[seg]! * SEGMENT[seg]!.churn);
      for (let k = 0; k < n; k++) {
        const i = this.pickFromSegment(rng, seg);
        if (this.churned[i] || this.segment[i] !== seg) continue;
        this.churned[i] = 1;
        this.active[seg]! -= 1;
        this.poolChanges += 1;
      }
    }
    if (this.poolChanges > 0.2 * this.nCustomers) this.rebuildPools();
    await this.writeCustomerChanges(day, dayStart, w);
  }

  /**
   * The day's customer records: on the first day every customer (the initial snapshot, with that
   * day's changes folded in and stamped at midnight), later days each changed customer once, with
   * its state after all of the day's changes and updated_at = midnight, when they took effect.
   */
  private async writeCustomerChanges(day: number, dayStart: number, w: RowWriter): Promise<void> {
    if (day === this.firstDay) {
      for (let i = 0; i < this.nCustomers; i++) {
        const signedUp = (this.signupDay[i] as number) * SECONDS_PER_DAY + (this.signupSecond[i] as number);
        await this.emitCustomer(w, i, this.changedDay[i] === day ? dayStart : signedUp);
      }
    } else {
      for (const i of this.changedCustomers) await this.emitCustomer(w, i, dayStart);
    }
    this.changedCustomers = [];
  }

  /** A customer signing up at `second`; written to the customers file at once. */
  private async signUp(rng: Rng, day: number, second: number, w: RowWriter): Promise<number> {
    const i = this.addCustomer(
      OCCASIONAL,
      this.cityAlias.sample(rng),
      day,
      second - day * SECONDS_PER_DAY,
      0,
    );
    await this.emitCustomer(w, i, second);
    return i;
  }

  // ── products ──────────────────────────────────────────────────────────────────────────────

  private buildProductAlias(): [AliasTable, Int32Array] {
    const index: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < this.products.size; i++) {
      if (this.products.discontinued[i]) continue;
      index.push(i);
      weights.push(this.products.popularity[i] as number);
    }
    return [new AliasTable(weights), Int32Array.from(index)];
  }

  private pickProduct(rng: Rng): number {
    return this.productAliasIndex[this.productAlias.sample(rng)] as number;
  }

  private productRow(i: number, updatedSecond: number): Row {
    const p = this.products;
    return [
      i + 1,
      p.sku(i),
      p.title(i),
      p.categoryOf(i).name,
      p.subcategory(i),
      p.brand(i),
      p.priceCents[i] as number,
      p.costCents[i] as number,
      'USD',
      p.discontinued[i] ? 'discontinued' : 'active',
      p.launchedDay[i] as number,
      updatedSecond,
    ];
  }

  private async emitProduct(w: RowWriter, i: number, second: number): Promise<void> {
    if (!w.active) return;
    if (w.write(this.productRow(i, second))) await w.flush();
  }

  /** Notes that product `i` changed on `day`; its record is written once, after the day's changes. */
  private productChanged(i: number, day: number): void {
    if (this.productChangedDay[i] === day) return;
    this.productChangedDay[i] = day;
    this.changedProducts.push(i);
  }

  private async productsOfDay(day: number, w: RowWriter): Promise<void> {
    const p = this.products;
    const rng = new Rng(this.seed, 'products', day);
    const dayStart = day * SECONDS_PER_DAY;
    // As for customers: the day's changes take effect at midnight and each changed product is
    // written once, with its state after all of them.
    // Price changes (promotions and list-price moves), sorted so a product changes once a day.
    const changes = new Set<number>();
    const nPrice = rng.poisson(p.size * 0.002);
    for (let k = 0; k < nPrice; k++) changes.add(rng.int(p.size));
    for (const i of [...changes].sort((a, b) => a - b)) {
      if (p.discontinued[i]) continue;
      p.priceCents[i] = repriced(p.listCents[i] as number, 0.8 + rng.next() * 0.3, rng);
      this.productChanged(i, day);
    }
    // Re-categorisation.
    const nMove = rng.poisson(p.size * 0.0002);
    for (let k = 0; k < nMove; k++) {
      const i = rng.int(p.size);
      const next = rng.int(CATEGORIES.length);
      if (next === p.category[i] || p.discontinued[i]) continue;
      p.category[i] = next;
      this.productChanged(i, day);
    }
    // Launches and discontinuations.
    const launches = rng.poisson(this.initialProducts * 0.0003);
    for (let k = 0; k < launches; k++) {
      const rank = rng.int(this.initialProducts);
      const i = p.add(rng, rank, day);
      this.ensureProductCapacity(rng);
      this.productsChanged = true;
      this.productChanged(i, day);
    }
    const retirements = rng.poisson(this.initialProducts * 0.0002);
    for (let k = 0; k < retirements; k++) {
      const i = rng.int(p.size);
      if (p.discontinued[i] || p.launchedDay[i] === day) continue;
      p.discontinued[i] = 1;
      this.productsChanged = true;
      this.productChanged(i, day);
    }
    if (this.productsChanged) {
      [this.productAlias, this.productAliasIndex] = this.buildProductAlias();
      this.productsChanged = false;
    }
    if (day === this.firstDay) {
      // The initial snapshot, with the first day's changes (and launches) folded in.
      for (let i = 0; i < p.size; i++) {
        const launched = (p.launchedDay[i] as number) * SECONDS_PER_DAY + 7200;
        await this.emitProduct(w, i, this.productChangedDay[i] === day ? dayStart : launched);
      }
    } else {
      for (const i of this.changedProducts) await this.emitProduct(w, i, dayStart);
    }
    this.changedProducts = [];
  }

  private ensureProductCapacity(rng: Rng): void {
    const capacity = this.products.category.length;
    if (this.productChangedDay.length < capacity) {
      const before = this.productChangedDay.length;
      this.productChangedDay = grow(this.productChangedDay, capacity, (n) => new Int32Array(n));
      this.productChangedDay.fill(-1, before);
    }
    const slots = capacity * 2;
    if (this.onHand.length < slots) {
      const mk = (n: number): Int32Array => new Int32Array(n);
      this.onHand = grow(this.onHand, slots, mk);
      this.sold = grow(this.sold, slots, mk);
      this.received = grow(this.received, slots, mk);
      this.returned = grow(this.returned, slots, mk);
      this.reorderPoint = grow(this.reorderPoint, slots, mk);
      this.orderUpTo = grow(this.orderUpTo, slots, mk);
      this.poArrival = grow(this.poArrival, slots, mk);
      this.poQty = grow(this.poQty, slots, mk);
    }
    const i = this.products.size - 1;
    if (this.reorderPoint[i * 2] === 0) this.stockProduct(i, rng, 1);
  }

  // ── inventory ─────────────────────────────────────────────────────────────────────────────

  private initInventory(): void {
    const slots = this.products.category.length * 2;
    this.onHand = new Int32Array(slots);
    this.sold = new Int32Array(slots);
    this.received = new Int32Array(slots);
    this.returned = new Int32Array(slots);
    this.reorderPoint = new Int32Array(slots);
    this.orderUpTo = new Int32Array(slots);
    this.poArrival = new Int32Array(slots);
    this.poQty = new Int32Array(slots);
    const rng = new Rng(this.seed, 'inventory-init');
    for (let i = 0; i < this.products.size; i++) this.stockProduct(i, rng, 0.3 + rng.next() * 0.7);
  }

  /** Sets reorder levels from expected demand and fills the shelves to `fill` of the order-up-to level. */
  private stockProduct(i: number, rng: Rng, fill: number): void {
    const unitsPerDay =
      this.ordersPerDay * 2.4 * ((this.products.popularity[i] as number) / this.popularityTotal);
    const regionShare = [0.55, 0.45];
    for (let w = 0; w < 2; w++) {
      const demand = unitsPerDay * (regionShare[w] as number);
      const slot = i * 2 + w;
      this.reorderPoint[slot] = Math.max(2, Math.ceil(demand * 6));
      this.orderUpTo[slot] = Math.max(6, Math.ceil(demand * (20 + rng.int(20))));
      this.onHand[slot] = Math.round((this.orderUpTo[slot] as number) * fill);
    }
  }

  private async inventoryOfDay(day: number, w: RowWriter): Promise<void> {
    const rng = new Rng(this.seed, 'restock', day);
    const p = this.products;
    for (let i = 0; i < p.size; i++) {
      for (let wh = 0; wh < 2; wh++) {
        const slot = i * 2 + wh;
        const onHand = this.onHand[slot] as number;
        if (
          !p.discontinued[i] &&
          this.poArrival[slot] === 0 &&
          onHand <= (this.reorderPoint[slot] as number)
        ) {
          // Supplier lead time 3–9 days, sometimes a late delivery.
          const lead = 3 + rng.int(7) + (rng.chance(0.1) ? 7 : 0);
          this.poArrival[slot] = day + lead;
          this.poQty[slot] = (this.orderUpTo[slot] as number) - onHand;
        }
        if (w.active) {
          const row = this.inventoryScratch;
          row[0] = day;
          row[1] = WAREHOUSE_IDS[wh] as string;
          row[2] = i + 1;
          row[3] = onHand;
          row[4] = this.sold[slot] as number;
          row[5] = this.received[slot] as number;
          row[6] = this.returned[slot] as number;
          row[7] = this.reorderPoint[slot] as number;
          row[8] = p.costCents[i] as number;
          row[9] = p.binLocation(i, wh);
          if (w.write(row)) await w.flush();
        }
        this.sold[slot] = 0;
        this.received[slot] = 0;
        this.returned[slot] = 0;
      }
    }
  }

  private receiveStock(day: number): void {
    const slots = this.products.size * 2;
    for (let slot = 0; slot < slots; slot++) {
      if (this.poArrival[slot] !== 0 && (this.poArrival[slot] as number) <= day) {
        this.onHand[slot] = (this.onHand[slot] as number) + (this.poQty[slot] as number);
        this.received[slot] = (this.received[slot] as number) + (this.poQty[slot] as number);
        this.poArrival[slot] = 0;
        this.poQty[slot] = 0;
      }
    }
  }

  // ── campaigns ─────────────────────────────────────────────────────────────────────────────

  private campaignsOfMonth(month: number): Campaign[] {
    let list = this.campaignMonths.get(month);
    if (list) return list;
    list = [];
    const rng = new Rng(this.seed, 'campaigns', month);
    const first = firstDayOfMonthIndex(month);
    const year = Math.floor(month / 12);
    const monthOfYear = month % 12;
    const yyyymm = `${year}${String(monthOfYear + 1).padStart(2, '0')}`;
    const plans: { start: number; length: number; theme: string; channel?: string; lift: number }[] = [];
    const n = 2 + rng.int(3);
    for (let k = 0; k < n; k++) {
      plans.push({
        start: first + rng.int(26),
        length: 5 + rng.int(20),
        theme: rng.pick(CAMPAIGN_THEMES),
        lift: 0.04 + rng.next() * 0.12,
      });
    }
    if (monthOfYear === 10) {
      plans.push({
        start: blackFriday(year) - 4,
        length: 8,
        theme: 'Black Friday',
        channel: 'paid_social',
        lift: 0.35,
      });
      plans.push({
        start: blackFriday(year) - 2,
        length: 6,
        theme: 'Black Friday',
        channel: 'email',
        lift: 0.2,
      });
    }
    if (monthOfYear === 11) {
      plans.push({
        start: first,
        length: 22,
        theme: 'Holiday Gift Guide',
        channel: 'paid_search',
        lift: 0.25,
      });
      plans.push({ start: first + 25, length: 7, theme: 'Year-End Sale', channel: 'email', lift: 0.15 });
    }
    plans.forEach((plan, k) => {
      const channel = plan.channel ?? rng.pick(CAMPAIGN_CHANNELS);
      const tagging = CAMPAIGN_SOURCES[channel as (typeof CAMPAIGN_CHANNELS)[number]];
      const id = `CMP-${yyyymm}-${String(k + 1).padStart(2, '0')}`;
      const slug = `${plan.theme.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${yyyymm}-${k + 1}`;
      // Budget such that return on ad spend lands between about 1.5 and 6.
      const revenue = this.ordersPerDay * plan.lift * plan.length * 9000;
      const budget = Math.max(20_000, Math.round(revenue / (1.5 + rng.next() * 4.5) / 100) * 100);
      const created = plan.start - 7 - rng.int(14);
      const changed = rng.chance(0.25) ? plan.start + 1 + rng.int(Math.max(1, plan.length - 1)) : -1;
      list!.push({
        id,
        name: `${plan.theme} — ${channel.replace('_', ' ')} ${year}`,
        channel,
        source: rng.pick(tagging.sources),
        medium: tagging.medium,
        utm: slug,
        start: plan.start,
        end: plan.start + plan.length - 1,
        created,
        createdSecond: created * SECONDS_PER_DAY + 9 * 3600 + rng.int(8 * 3600),
        budgetCents: budget,
        budgetChange: changed,
        newBudgetCents: Math.round((budget * (1.1 + rng.next() * 0.4)) / 100) * 100,
        objective: rng.pick(OBJECTIVES),
        lift: plan.lift,
        discountPct: 0.1 + rng.int(4) * 0.05,
      });
    });
    this.campaignMonths.set(month, list);
    return list;
  }

  /** Campaigns that exist on a day (created by then and not ended more than 45 days before). */
  private campaignsAround(day: number): Campaign[] {
    const out: Campaign[] = [];
    for (let m = monthIndex(day - 60); m <= monthIndex(day + 30); m++) {
      for (const c of this.campaignsOfMonth(m)) out.push(c);
    }
    for (const m of this.campaignMonths.keys()) if (m < monthIndex(day - 90)) this.campaignMonths.delete(m);
    return out;
  }

  private activeCampaigns(day: number): Campaign[] {
    return this.campaignsAround(day).filter((c) => c.start <= day && day <= c.end);
  }

  /** When a campaign record last changed, as seen on `day`. */
  private campaignVersionSecond(c: Campaign, day: number): number {
    if (day > c.end) return (c.end + 1) * SECONDS_PER_DAY + 3600;
    if (c.budgetChange >= 0 && day >= c.budgetChange) return c.budgetChange * SECONDS_PER_DAY + 14 * 3600;
    if (day >= c.start) return c.start * SECONDS_PER_DAY + 6 * 3600;
    return c.createdSecond;
  }

  private async campaignsOfDay(day: number, w: RowWriter): Promise<void> {
    for (const c of this.campaignsAround(day)) {
      if (c.created > day) continue;
      const changed = day === c.created || day === c.start || day === c.budgetChange || day === c.end + 1;
      const initialLoad = day === this.firstDay && c.end >= day - 45;
      if (!changed && !initialLoad) continue;
      const status = day < c.start ? 'scheduled' : day <= c.end ? 'active' : 'completed';
      const budget = c.budgetChange >= 0 && day >= c.budgetChange ? c.newBudgetCents : c.budgetCents;
      if (
        w.write([
          c.id,
          c.name,
          c.channel,
          c.source,
          c.medium,
          c.utm,
          c.start,
          c.end,
          budget,
          'USD',
          status,
          c.objective,
          this.campaignVersionSecond(c, day),
        ])
      )
        await w.flush();
    }
  }

  // ── orders ────────────────────────────────────────────────────────────────────────────────

  private schedule(entry: PendingStatus): void {
    const day = Math.floor(entry.second / SECONDS_PER_DAY);
    const list = this.pending.get(day);
    if (list) list.push(entry);
    else this.pending.set(day, [entry]);
  }

  private async statusChangesOfDay(day: number, w: RowWriter): Promise<void> {
    const list = this.pending.get(day);
    if (!list) return;
    this.pending.delete(day);
    list.sort((a, b) => a.second - b.second);
    const statusIndex = 2;
    const updatedIndex = 4;
    for (const change of list) {
      if (w.active) {
        const row = change.row.slice();
        row[statusIndex] = change.status;
        row[updatedIndex] = change.second;
        if (w.write(row)) await w.flush();
      }
      if (change.status === 'cancelled' || change.status === 'returned') {
        for (const item of change.row[12] as Row[]) {
          const product = (item[1] as number) - 1;
          const slot = product * 2 + change.warehouse;
          const qty = item[2] as number;
          this.onHand[slot] = (this.onHand[slot] as number) + qty;
          this.returned[slot] = (this.returned[slot] as number) + qty;
        }
      }
    }
  }

  private async ordersOfDay(
    day: number,
    writers: EcommerceWriters,
    campaigns: Campaign[],
    lift: number,
    trackShare: number,
  ): Promise<TrackedOrder[]> {
    const rng = new Rng(this.seed, 'orders', day);
    const dayStart = day * SECONDS_PER_DAY;
    const expected = this.ordersPerDay * ecommerceSeasonality(day) * (1 + lift);
    const n = rng.poisson(expected);
    const times = new SortedUniforms(rng, n);
    const attributedShare = lift / (1 + lift);
    const campaignWeights = campaigns.map((c) => c.lift);
    const tracked: TrackedOrder[] = [];
    const newCustomerShare = 0.035;
    for (let k = 0; k < n; k++) {
      const second = dayStart + this.intraday.secondOfDay(times.next() as number);
      const customer = rng.chance(newCustomerShare)
        ? await this.signUp(rng, day, Math.max(dayStart, second - 60 - rng.int(900)), writers.customers)
        : this.pickCustomer(rng);
      const campaign =
        campaigns.length > 0 && rng.chance(attributedShare)
          ? campaigns[weightedIndex(rng, campaignWeights)]
          : undefined;
      const channelIndex = weightedIndex(rng, CHANNEL_WEIGHTS);
      const payment = PAYMENTS[weightedIndex(rng, PAYMENT_WEIGHTS[channelIndex] as number[])] as string;
      const coupon = campaign
        ? rng.chance(0.6)
          ? `${campaign.utm.split('-')[0]!.toUpperCase()}${Math.round(campaign.discountPct * 100)}`
          : null
        : rng.chance(0.04)
          ? 'WELCOME10'
          : null;
      const discountPct = campaign && coupon ? campaign.discountPct : coupon ? 0.1 : 0;
      const city = this.cityOf(customer);
      const warehouse = city.region === 'NA' ? 0 : 1;
      const lines = 1 + Math.min(6, rng.geometric(0.55));
      const items: Row[] = [];
      const productsInOrder: number[] = [];
      let subtotal = 0;
      let discountTotal = 0;
      let maxReturnRate = 0;
      for (let l = 0; l < lines; l++) {
        const u = rng.next();
        const qty = u < 0.74 ? 1 : u < 0.92 ? 2 : u < 0.97 ? 3 : 4 + rng.int(3);
        let product = -1;
        for (let attempt = 0; attempt < 4; attempt++) {
          const candidate = this.pickProduct(rng);
          if (
            (this.onHand[candidate * 2 + warehouse] as number) >= qty &&
            !productsInOrder.includes(candidate)
          ) {
            product = candidate;
            break;
          }
        }
        if (product < 0) continue;
        const slot = product * 2 + warehouse;
        this.onHand[slot] = (this.onHand[slot] as number) - qty;
        this.sold[slot] = (this.sold[slot] as number) + qty;
        productsInOrder.push(product);
        const price = this.products.priceCents[product] as number;
        const gross = price * qty;
        const discount = Math.round(gross * discountPct);
        subtotal += gross;
        discountTotal += discount;
        maxReturnRate = Math.max(maxReturnRate, this.products.categoryOf(product).returnRate);
        items.push([items.length + 1, product + 1, qty, price, discount]);
      }
      if (items.length === 0) continue; // everything out of stock: a lost sale
      const shipping = subtotal - discountTotal >= 5000 ? 0 : 499;
      const orderId = `O${String(++this.orderSeq).padStart(10, '0')}`;
      const row: Row = [
        orderId,
        this.customerId(customer),
        'placed',
        second,
        second,
        CHANNELS[channelIndex] as string,
        payment,
        campaign ? campaign.id : null,
        coupon,
        'USD',
        city.name,
        city.country,
        items,
        subtotal,
        discountTotal,
        shipping,
        subtotal - discountTotal + shipping,
      ];
      if (writers.orders.write(row)) await writers.orders.flush();
      this.orderCount[customer] = Math.min(65_535, (this.orderCount[customer] as number) + 1);
      const seg = this.segment[customer] as number;
      if (seg !== VIP && (this.orderCount[customer] as number) >= SEGMENT[seg]!.promoteAt) {
        this.orderCount[customer] = 0;
        this.promotions.push(customer);
      }
      this.scheduleLifecycle(rng, row, second, warehouse, maxReturnRate, seg);
      if (channelIndex < 2 && rng.chance(trackShare)) {
        tracked.push({
          second,
          customer,
          orderId,
          totalCents: subtotal - discountTotal + shipping,
          products: productsInOrder.slice(0, 3),
          device:
            channelIndex === 1
              ? 'mobile'
              : rng.chance(0.65)
                ? 'desktop'
                : rng.chance(0.8)
                  ? 'mobile'
                  : 'tablet',
          campaign,
        });
      }
    }
    return tracked;
  }

  private scheduleLifecycle(
    rng: Rng,
    row: Row,
    placed: number,
    warehouse: number,
    returnRate: number,
    seg: number,
  ): void {
    if (rng.chance(seg === VIP ? 0.025 : 0.045)) {
      this.schedule({ row, status: 'cancelled', second: placed + 600 + rng.int(30 * 3600), warehouse });
      return;
    }
    const shipped = placed + 12 * 3600 + rng.int(48 * 3600);
    this.schedule({ row, status: 'shipped', second: shipped, warehouse });
    const completed = shipped + 24 * 3600 + rng.int(4 * 24 * 3600);
    this.schedule({ row, status: 'completed', second: completed, warehouse });
    if (rng.chance(returnRate)) {
      this.schedule({
        row,
        status: 'returned',
        second: completed + 3 * 86_400 + rng.int(22 * 86_400),
        warehouse,
      });
    }
  }

  // ── in-store sales ────────────────────────────────────────────────────────────────────────

  private async salesOfDay(day: number, w: RowWriter): Promise<void> {
    const rng = new Rng(this.seed, 'store-sales', day);
    const dayStart = day * SECONDS_PER_DAY;
    const dow = dayOfWeek(day);
    const storeWeekly = [0.55, 0.9, 0.9, 0.95, 1.05, 1.25, 1.4][dow] as number;
    const expected =
      this.ordersPerDay *
      ECOMMERCE_VOLUME.storeSalesShare *
      storeWeekly *
      (ecommerceSeasonality(day) / ((ECOMMERCE_WEEKLY[dow] as number) || 1));
    const n = rng.poisson(expected);
    const times = new SortedUniforms(rng, n);
    for (let k = 0; k < n; k++) {
      const second = dayStart + this.storeHours.secondOfDay(times.next() as number);
      const customer = this.storeCustomer(rng, second);
      const product = this.pickProduct(rng);
      const qty = rng.chance(0.8) ? 1 : 2 + rng.int(3);
      const price = this.products.priceCents[product] as number;
      const city = this.cityOf(customer);
      if (
        w.write([
          `T${String(++this.saleSeq).padStart(10, '0')}`,
          second,
          this.customerId(customer),
          `${this.firstName(customer)} ${this.lastName(customer)}`,
          city.name,
          product + 1,
          this.products.title(product),
          this.products.categoryOf(product).name,
          qty,
          price,
          qty * price,
          POS_PAYMENTS[weightedIndex(rng, POS_PAYMENT_WEIGHTS)] as string,
          `ST${String((this.city[customer] as number) + 1).padStart(3, '0')}`,
          rng.chance(0.05) ? 'INSTORE5' : null,
        ])
      )
        await w.flush();
    }
  }

  /**
   * A customer for a store sale at `second`: one who had signed up by then (sales are simulated
   * after the day's orders, whose new customers sign up during the day).
   */
  private storeCustomer(rng: Rng, second: number): number {
    for (let attempt = 0; attempt < 8; attempt++) {
      const i = this.pickCustomer(rng);
      const signedUp = (this.signupDay[i] as number) * SECONDS_PER_DAY + (this.signupSecond[i] as number);
      if (signedUp <= second) return i;
    }
    return 0; // the first customer signed up before the first day
  }

  // ── clickstream ───────────────────────────────────────────────────────────────────────────

  /** Browser id of a customer: stable, built once. */
  private visitorId(customer: number): string {
    let id = this.visitorIds.get(customer);
    if (id === undefined) {
      const hex = hash32(this.seed, 'visitor', customer).toString(16).padStart(8, '0');
      id = `A${hex}${(customer % 4096).toString(16).padStart(3, '0')}`;
      this.visitorIds.set(customer, id);
    }
    return id;
  }

  private readonly visitorIds = new Map<number, string>();
  /** Browser ids of anonymous visitors, by visitor number ('' = not built yet). */
  private anonymousIds: string[] = [];

  private anonymousVisitor(rng: Rng): string {
    const pool = Math.max(1000, Math.round(this.sessionsPerDay * 20));
    if (this.anonymousIds.length !== pool) this.anonymousIds = Array.from({ length: pool }, () => '');
    const v = rng.int(pool);
    let id = this.anonymousIds[v] as string;
    if (id === '') {
      id = `A${hash32(this.seed, 'anon', v).toString(16).padStart(8, '0')}fff`;
      this.anonymousIds[v] = id;
    }
    return id;
  }

  private async eventsOfDay(
    day: number,
    w: RowWriter,
    tracked: TrackedOrder[],
    campaigns: Campaign[],
    lift: number,
  ): Promise<void> {
    const rng = new Rng(this.seed, 'events', day);
    const dayStart = day * SECONDS_PER_DAY;
    const dayEnd = dayStart + SECONDS_PER_DAY - 1;
    const sessions = Math.max(
      0,
      rng.poisson(this.sessionsPerDay * ecommerceSeasonality(day) * (1 + lift)) - tracked.length,
    );
    const starts = new SortedUniforms(rng, sessions);
    let nextOrganic = sessions > 0 ? dayStart + this.intraday.secondOfDay(starts.next() as number) : Infinity;
    let organicLeft = sessions;
    let t = 0;
    const campaignShare = lift / (1 + lift);
    const campaignWeights = campaigns.map((c) => c.lift);
    while (organicLeft > 0 || t < tracked.length) {
      const purchase = tracked[t];
      const purchaseStart = purchase ? purchase.second - 600 : Infinity;
      if (purchase && purchaseStart <= nextOrganic) {
        t += 1;
        await this.purchaseSession(rng, w, purchase, dayStart);
      } else {
        const start = nextOrganic;
        organicLeft -= 1;
        nextOrganic =
          organicLeft > 0 ? dayStart + this.intraday.secondOfDay(starts.next() as number) : Infinity;
        const campaign =
          campaigns.length > 0 && rng.chance(campaignShare)
            ? campaigns[weightedIndex(rng, campaignWeights)]
            : undefined;
        await this.browseSession(rng, w, start, dayEnd, campaign);
      }
    }
  }

  /** One row array reused for every inventory row (the writer keeps no reference). */
  private readonly inventoryScratch: Row = new Array<Row[number]>(10).fill(null);
  /** One row array reused for every clickstream event (the writer keeps no reference). */
  private readonly eventScratch: Row = new Array<Row[number]>(16).fill(null);
  // The session being written: set once per session, read by `event`.
  private sessionId = '';
  private sessionVisitor = '';
  private sessionCustomer: string | null = null;
  private sessionDevice = '';
  private sessionCountry = '';

  /** Writes one clickstream event of the current session; true when buffers are full. */
  private event(
    w: RowWriter,
    second: number,
    type: string,
    page: string,
    product: number | null,
    order: string | null,
    revenue: number | null,
    referrer: string | null,
    campaign: Campaign | undefined,
  ): boolean {
    const row = this.eventScratch;
    row[0] = this.eventIds.next();
    row[1] = second;
    row[2] = type;
    row[3] = this.sessionId;
    row[4] = this.sessionVisitor;
    row[5] = this.sessionCustomer;
    row[6] = page;
    row[7] = product;
    row[8] = order;
    row[9] = revenue;
    row[10] = this.sessionDevice;
    row[11] = referrer;
    row[12] = campaign ? campaign.source : null;
    row[13] = campaign ? campaign.medium : null;
    row[14] = campaign ? campaign.utm : null;
    row[15] = this.sessionCountry;
    return w.write(row);
  }

  private referrerFor(rng: Rng, campaign: Campaign | undefined): string | null {
    if (campaign) {
      switch (campaign.channel) {
        case 'email':
          return null;
        case 'paid_search':
          return campaign.source === 'bing' ? 'www.bing.com' : 'www.google.com';
        case 'paid_social':
          return `www.${campaign.source}.com`;
        default:
          return 'ads.partner.example';
      }
    }
    return rng.chance(0.38)
      ? null
      : (ORGANIC_REFERRERS[weightedIndex(rng, ORGANIC_REFERRER_WEIGHTS)] as string);
  }

  /** A session that does not buy: landing page, maybe product views, maybe cart and checkout. */
  private async browseSession(
    rng: Rng,
    w: RowWriter,
    start: number,
    dayEnd: number,
    campaign: Campaign | undefined,
  ): Promise<void> {
    this.sessionId = `S${String(++this.sessionSeq).padStart(10, '0')}`;
    const identified = rng.chance(0.32);
    const customer = identified ? this.pickCustomer(rng) : -1;
    this.sessionVisitor = identified ? this.visitorId(customer) : this.anonymousVisitor(rng);
    this.sessionCustomer = identified ? this.customerId(customer) : null;
    this.sessionCountry = identified
      ? this.cityOf(customer).country
      : (CITIES[this.cityAlias.sample(rng)] as City).country;
    const u = rng.next();
    this.sessionDevice = u < 0.42 ? 'desktop' : u < 0.92 ? 'mobile' : 'tablet';
    let second = start;
    const landingProduct = rng.chance(0.35) ? this.pickProduct(rng) : -1;
    let landing: string;
    if (landingProduct >= 0) landing = `/p/${landingProduct + 1}`;
    else landing = rng.chance(0.5) ? '/' : `/c/${(CATEGORIES[rng.int(CATEGORIES.length)] as Category).slug}`;
    const referrer = this.referrerFor(rng, campaign);
    if (this.event(w, second, 'page_view', landing, null, null, null, referrer, campaign)) await w.flush();
    if (rng.chance(0.44)) return; // bounce
    const views = 1 + Math.min(7, rng.geometric(0.42));
    let viewed1 = -1;
    let viewed2 = -1;
    for (let v = 0; v < views; v++) {
      second += 5 + Math.floor(rng.exponential(50));
      if (second > dayEnd) return;
      const product = v === 0 && landingProduct >= 0 ? landingProduct : this.pickProduct(rng);
      if (v === 0) viewed1 = product;
      else viewed2 = product;
      const page = `/p/${product + 1}`;
      if (this.event(w, second, 'product_view', page, product + 1, null, null, null, undefined))
        await w.flush();
    }
    if (!rng.chance(0.2)) return;
    second += 5 + Math.floor(rng.exponential(50));
    if (second > dayEnd) return;
    const product = viewed2 >= 0 && rng.chance(0.5) ? viewed2 : viewed1;
    if (this.event(w, second, 'add_to_cart', '/cart', product + 1, null, null, null, undefined))
      await w.flush();
    if (!rng.chance(0.35)) return;
    second += 5 + Math.floor(rng.exponential(50));
    if (second > dayEnd) return;
    if (this.event(w, second, 'checkout', '/checkout', null, null, null, null, undefined)) await w.flush();
  }

  /** The tracked session of an online order: ends with a purchase event at the order's time. */
  private async purchaseSession(
    rng: Rng,
    w: RowWriter,
    order: TrackedOrder,
    dayStart: number,
  ): Promise<void> {
    this.sessionId = `S${String(++this.sessionSeq).padStart(10, '0')}`;
    this.sessionVisitor = this.visitorId(order.customer);
    const customerId = this.customerId(order.customer);
    const loggedInFromStart = rng.chance(0.55);
    this.sessionCustomer = loggedInFromStart ? customerId : null;
    this.sessionCountry = this.cityOf(order.customer).country;
    this.sessionDevice = order.device;
    const extraViews = rng.int(3);
    const viewed = [...order.products];
    for (let v = 0; v < extraViews; v++) viewed.splice(rng.int(viewed.length + 1), 0, this.pickProduct(rng));
    // Times are laid out backwards from the order, so the purchase happens when the order was placed.
    const steps = viewed.length + order.products.length + 1;
    const seconds: number[] = [];
    let second = order.second;
    for (let s = 0; s < steps; s++) {
      second -= 5 + Math.floor(rng.exponential(45));
      seconds.push(Math.max(dayStart, second));
    }
    seconds.reverse();
    const landingAt = Math.max(dayStart, second - 5 - Math.floor(rng.exponential(45)));
    let k = 0;
    const first = order.products[0];
    const landing = first !== undefined && rng.chance(0.4) ? `/p/${first + 1}` : '/';
    const referrer = this.referrerFor(rng, order.campaign);
    if (this.event(w, landingAt, 'page_view', landing, null, null, null, referrer, order.campaign))
      await w.flush();
    for (const product of viewed) {
      const at = seconds[k++] as number;
      if (this.event(w, at, 'product_view', `/p/${product + 1}`, product + 1, null, null, null, undefined)) {
        await w.flush();
      }
    }
    for (const product of order.products) {
      const at = seconds[k++] as number;
      if (this.event(w, at, 'add_to_cart', '/cart', product + 1, null, null, null, undefined))
        await w.flush();
    }
    // Logged in at checkout at the latest.
    this.sessionCustomer = customerId;
    if (this.event(w, seconds[k] as number, 'checkout', '/checkout', null, null, null, null, undefined)) {
      await w.flush();
    }
    const complete = '/checkout/complete';
    if (
      this.event(
        w,
        order.second,
        'purchase',
        complete,
        null,
        order.orderId,
        order.totalCents,
        null,
        undefined,
      )
    ) {
      await w.flush();
    }
  }

  // ── the day ───────────────────────────────────────────────────────────────────────────────

  async runDay(day: number, writers: EcommerceWriters): Promise<void> {
    this.receiveStock(day);
    await this.customersOfDay(day, writers.customers);
    await this.productsOfDay(day, writers.products);
    await this.campaignsOfDay(day, writers.campaigns);
    const campaigns = this.activeCampaigns(day);
    const lift = campaigns.reduce((sum, c) => sum + c.lift, 0);
    await this.statusChangesOfDay(day, writers.orders);
    // Share of online orders whose session is tracked, so that ~3% of sessions convert.
    const rng = new Rng(this.seed, 'conversion', day);
    const conversion = 0.03 * (0.85 + rng.next() * 0.3) * (ecommerceSeasonality(day) > 1.5 ? 1.25 : 1);
    const expectedOnline = this.ordersPerDay * ecommerceSeasonality(day) * (1 + lift) * 0.88;
    const expectedSessions = this.sessionsPerDay * ecommerceSeasonality(day) * (1 + lift);
    const trackShare = Math.min(1, (conversion * expectedSessions) / Math.max(1, expectedOnline));
    const tracked = await this.ordersOfDay(day, writers, campaigns, lift, trackShare);
    // Sales and clickstream change no shared state: a partition that does not write them skips them.
    if (writers.sales.active) await this.salesOfDay(day, writers.sales);
    if (writers.events.active) await this.eventsOfDay(day, writers.events, tracked, campaigns, lift);
    await this.inventoryOfDay(day, writers.inventory);
  }
}
