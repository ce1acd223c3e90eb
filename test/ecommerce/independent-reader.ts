/**
 * A reader of the generated e-commerce exports that shares nothing with strata: plain Node
 * (JSON.parse, a small quote-aware CSV parser, zlib), money in integer cents. The tests compare what
 * it computes from the raw files with what the pipeline built, so a mistake in either shows.
 *
 * Definitions (the pack's, restated from PRODUCT.md and the model headers):
 * - an order's first record (earliest file date, then updated_at) gives its customer, placed_at and
 *   lines; its latest record (greatest updated_at) gives its status;
 * - an order counts as a sale unless its latest status is cancelled or returned;
 * - net revenue of an order = Σ quantity × unit_price − Σ discount_amount over its lines, on the
 *   UTC day it was placed;
 * - a store sale counts on the day of its (store-time) transaction_date, for its total_amount;
 * - sessions: a visitor's (anonymous_id) events of one file in time order, a new session after a
 *   gap of more than 30 minutes.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface RawLine {
  lineNumber: number;
  productId: number;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
}

export interface RawOrderRecord {
  orderId: string;
  customerId: string;
  status: string;
  placedAt: string;
  updatedAt: string;
  shippingCity: string;
  lines: RawLine[];
  /** Date of the file that held the record. */
  fileDate: string;
}

export interface RawOrder {
  orderId: string;
  customerId: string;
  placedAt: string;
  /** UTC day of placed_at. */
  orderDate: string;
  status: string;
  counted: boolean;
  /** Date of the earliest file with a record of the order. */
  firstFileDate: string;
  lines: RawLine[];
  units: number;
  grossCents: number;
  discountCents: number;
  netCents: number;
}

export interface RawSale {
  transactionId: string;
  customerId: string;
  productId: number;
  saleDate: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  fileDate: string;
}

export interface RawEvent {
  eventId: string;
  time: number;
  type: string;
  anonymousId: string;
}

export interface RawSession {
  anonymousId: string;
  events: RawEvent[];
}

const FUNNEL = ['product_view', 'add_to_cart', 'checkout', 'purchase'] as const;
export type FunnelStep = (typeof FUNNEL)[number];

/** Cents of a JSON number or CSV text with at most two decimals. */
export function toCents(value: unknown): number {
  const text = typeof value === 'number' ? value.toFixed(2) : String(value);
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`not an amount: ${text}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Rows of a CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

/** The files of a feed, oldest first, with their dates. */
async function feedFiles(dataDir: string, feed: string): Promise<{ path: string; date: string }[]> {
  const dir = join(dataDir, 'ecommerce', feed);
  return (await readdir(dir))
    .filter((name) => /^\d{4}-\d{2}-\d{2}\./.test(name))
    .sort()
    .map((name) => ({ path: join(dir, name), date: name.slice(0, 10) }));
}

async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

export async function readOrderRecords(dataDir: string): Promise<RawOrderRecord[]> {
  const records: RawOrderRecord[] = [];
  for (const file of await feedFiles(dataDir, 'orders')) {
    const text = (await readText(file.path)).replace(/^\uFEFF/, '');
    if (text.trim() === '') continue;
    for (const o of JSON.parse(text) as Record<string, unknown>[]) {
      const items = o.items as Record<string, unknown>[];
      records.push({
        orderId: String(o.order_id),
        customerId: String(o.customer_id),
        status: String(o.status),
        placedAt: String(o.placed_at),
        updatedAt: String(o.updated_at),
        shippingCity: String(o.shipping_city),
        lines: items.map((item) => ({
          lineNumber: Number(item.line_number),
          productId: Number(item.product_id),
          quantity: Number(item.quantity),
          unitPriceCents: toCents(item.unit_price),
          discountCents: toCents(item.discount_amount),
        })),
        fileDate: file.date,
      });
    }
  }
  return records;
}

/** Orders by id, from their records (see the definitions above). */
export function summariseOrders(records: readonly RawOrderRecord[]): Map<string, RawOrder> {
  const byOrder = new Map<string, RawOrderRecord[]>();
  for (const r of records) {
    const list = byOrder.get(r.orderId);
    if (list) list.push(r);
    else byOrder.set(r.orderId, [r]);
  }
  const orders = new Map<string, RawOrder>();
  for (const [orderId, list] of byOrder) {
    const first = [...list].sort(
      (a, b) => a.fileDate.localeCompare(b.fileDate) || a.updatedAt.localeCompare(b.updatedAt),
    )[0] as RawOrderRecord;
    const latest = [...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] as RawOrderRecord;
    const grossCents = first.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    const discountCents = first.lines.reduce((sum, l) => sum + l.discountCents, 0);
    orders.set(orderId, {
      orderId,
      customerId: first.customerId,
      placedAt: first.placedAt,
      orderDate: new Date(first.placedAt).toISOString().slice(0, 10),
      status: latest.status,
      counted: latest.status !== 'cancelled' && latest.status !== 'returned',
      firstFileDate: first.fileDate,
      lines: first.lines,
      units: first.lines.reduce((sum, l) => sum + l.quantity, 0),
      grossCents,
      discountCents,
      netCents: grossCents - discountCents,
    });
  }
  return orders;
}

export async function readSales(dataDir: string): Promise<RawSale[]> {
  const sales: RawSale[] = [];
  for (const file of await feedFiles(dataDir, 'sales')) {
    for (const r of csvRecords(await readText(file.path))) {
      sales.push({
        transactionId: r.transaction_id as string,
        customerId: r.customer_id as string,
        productId: Number(r.product_id),
        saleDate: (r.transaction_date as string).slice(0, 10),
        quantity: Number(r.quantity),
        unitPriceCents: toCents(r.unit_price),
        totalCents: toCents(r.total_amount),
        fileDate: file.date,
      });
    }
  }
  return sales;
}

/** The clickstream events of the file of one day. */
export async function readEvents(dataDir: string, date: string): Promise<RawEvent[]> {
  const file = (await feedFiles(dataDir, 'events')).find((f) => f.date === date);
  if (!file) throw new Error(`no events file for ${date}`);
  return csvRecords(await readText(file.path)).map((r) => ({
    eventId: r.event_id as string,
    time: Date.parse(r.event_time as string),
    type: r.event_type as string,
    anonymousId: r.anonymous_id as string,
  }));
}

/** The dates that have an events file. */
export async function eventDates(dataDir: string): Promise<string[]> {
  return (await feedFiles(dataDir, 'events')).map((f) => f.date);
}

/** Sessions of one file's events: per visitor in time order, a gap over 30 minutes starts a new one. */
export function sessionise(events: readonly RawEvent[]): RawSession[] {
  const byVisitor = new Map<string, RawEvent[]>();
  for (const e of events) {
    const list = byVisitor.get(e.anonymousId);
    if (list) list.push(e);
    else byVisitor.set(e.anonymousId, [e]);
  }
  const sessions: RawSession[] = [];
  for (const [anonymousId, list] of byVisitor) {
    list.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    let current: RawSession | undefined;
    let previous = -Infinity;
    for (const e of list) {
      if (!current || e.time - previous > 30 * 60 * 1000) {
        current = { anonymousId, events: [] };
        sessions.push(current);
      }
      current.events.push(e);
      previous = e.time;
    }
  }
  return sessions;
}

export interface FunnelCounts {
  sessions: number;
  product_view: number;
  add_to_cart: number;
  checkout: number;
  purchase: number;
}

/** Sessions, and sessions that reached each funnel step (at least one event of that type). */
export function funnel(sessions: readonly RawSession[]): FunnelCounts {
  const counts: FunnelCounts = {
    sessions: sessions.length,
    product_view: 0,
    add_to_cart: 0,
    checkout: 0,
    purchase: 0,
  };
  for (const s of sessions) {
    for (const step of FUNNEL) if (s.events.some((e) => e.type === step)) counts[step] += 1;
  }
  return counts;
}
