/**
 * Dimensions that change, records that arrive late and keys nobody knows, on generated e-commerce
 * data with two defect kinds only: late_arriving (a fact record held back 1–3 days and appended to a
 * later file) and orphan_fk (a reference replaced by an id no entity has), both listed in
 * manifest.json. One range run.
 *
 * - SCD2 customers: an order ships to the city of the customer version in force when it was placed
 *   (customers who move count under the old city before and the new one after).
 * - SCD2 products: a line's unit price is the list price of the product version in force when the
 *   order was placed (the generator prices lines at the current list price; discounts are separate,
 *   in discount_amount), so price changes show the old price before and the new one after.
 * - Late records sit in the load-date partition of the file that brought them, not of their date.
 * - Orphans map to the UNKNOWN members with *_found = false, and nothing is dropped.
 *
 * A second, clean run (seed 1, 10 days from 2025-01-01, scale 0.05: it has price changes and moves
 * on the first day and within days) checks the generator's side of SCD2 on the raw files: every
 * order and store sale carries the customer's city and the product's price (and category) of the
 * newest customer/product record with updated_at <= its time — then the same through the pack.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefectEntry, Manifest } from '../../src/generate/manifest.ts';
import {
  csvRecords,
  readOrderRecords,
  summariseOrders,
  toCents,
  type RawOrder,
} from './independent-reader.ts';
import { PackProject, fileDate, type PackData } from './pack.ts';

/** A SQL list of string literals (keys from the manifest: ids and dates, no quotes in them). */
const list = (values: readonly unknown[]) =>
  values.map((v) => `'${String(v).replace(/'/g, "''")}'`).join(', ') || 'null';

const byKey =
  (key: string) =>
  (a: Record<string, unknown>, b: Record<string, unknown>): number =>
    String(a[key]).localeCompare(String(b[key]));

const DATA = {
  start: '2025-03-01',
  days: 28,
  scale: 0.02,
  seed: 5,
  defects: 0.01,
  defectKinds: ['late_arriving', 'orphan_fk'],
};

/** Orders shipped to another city than the customer version they point at. */
const ORDER_CITY_MISMATCHES = `select o.order_id, o.customer_id, o.placed_at, o.shipping_city, c.city
  from warehouse.fact_orders as o
  join warehouse.dim_customer as c on c.customer_sk = o.customer_sk
  where o.customer_found and o.shipping_city <> c.city`;

/** Order lines not at the list price of the product version they point at. */
const LINE_PRICE_MISMATCHES = `select i.order_id, i.line_number, i.product_id, i.placed_at, i.unit_price, p.price, p.valid_from
  from warehouse.fact_order_items as i
  join warehouse.dim_product as p on p.product_sk = i.product_sk
  where i.product_found and (i.unit_price <> p.price or i.list_price <> p.price)`;

/** Store sales not at the list price of the product version they point at. */
const SALE_PRICE_MISMATCHES = `select s.transaction_id, s.product_id, s.sold_at, s.unit_price, p.price
  from warehouse.fact_store_sales as s
  join warehouse.dim_product as p on p.product_sk = s.product_sk
  where s.product_found and s.unit_price <> p.price`;

describe('e-commerce pack: changing dimensions, late records and orphans', () => {
  let project: PackProject;
  let manifest: Manifest;
  let orders: Map<string, RawOrder>;
  const defects = (feed: string, kind: DefectEntry['kind']) =>
    manifest.defects.filter((d) => d.feed === `ecommerce/${feed}` && d.kind === kind);

  beforeAll(async () => {
    project = await PackProject.withData(DATA);
    manifest = await project.manifest();
    orders = summariseOrders(await readOrderRecords(project.dataDir));
    await project.run({ from: DATA.start, to: '2025-03-28' });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  describe('customers who change (SCD2)', () => {
    it('ships every order to the city of the customer version it points at', async () => {
      expect(await project.query(ORDER_CITY_MISMATCHES)).toEqual([]);
    });

    it('points every order at the version in force when it was placed', async () => {
      const outside = await project.query(
        `with versions as (
           select *, row_number() over (partition by customer_id order by valid_from) = 1 as is_first
           from warehouse.dim_customer
         )
         select o.order_id, o.placed_at, c.valid_from, c.valid_to
         from warehouse.fact_orders as o
         join versions as c on c.customer_sk = o.customer_sk
         where o.customer_found
           and not ((o.placed_at >= c.valid_from or c.is_first)
                    and (c.valid_to is null or o.placed_at < c.valid_to))`,
      );
      expect(outside).toEqual([]);
    });

    it('has orders of customers with several versions, and a mover with orders in both cities', async () => {
      const [row] = await project.query(
        `with multi as (
           select customer_id from warehouse.dim_customer group by customer_id having count(*) > 1
         ),
         movers as (
           select o.customer_id
           from warehouse.fact_orders as o
           join warehouse.dim_customer as c on c.customer_sk = o.customer_sk
           where o.customer_found
           group by o.customer_id
           having count(distinct c.customer_sk) > 1 and count(distinct o.shipping_city) > 1
         )
         select
           (select count(*) from warehouse.fact_orders where customer_id in (select customer_id from multi)) as orders_of_changed,
           (select count(*) from movers) as movers`,
      );
      expect(row?.orders_of_changed).toBeGreaterThan(0);
      expect(row?.movers).toBeGreaterThan(0);
    });
  });

  describe('products whose price changes (SCD2)', () => {
    it('sells every order line at the list price of the product version it points at', async () => {
      expect(await project.query(LINE_PRICE_MISMATCHES)).toEqual([]);
    });

    it('sells every store sale at the list price of the product version it points at', async () => {
      expect(await project.query(SALE_PRICE_MISMATCHES)).toEqual([]);
    });

    it('shows the old price before a change and the new one after, for at least one product', async () => {
      const rows = await project.query(
        `select i.product_id,
                count(distinct i.product_sk) as versions,
                count(distinct i.unit_price) as prices,
                bool_and(i.unit_price = p.price) as at_version_price
         from warehouse.fact_order_items as i
         join warehouse.dim_product as p on p.product_sk = i.product_sk
         where i.product_found
         group by i.product_id
         having count(distinct i.product_sk) > 1`,
      );
      expect(rows.filter((r) => Number(r.prices) > 1 && r.at_version_price === true).length).toBeGreaterThan(
        0,
      );
    });
  });

  describe('late records', () => {
    it('are in the data: sales, events, inventory and order records held back to a later file', () => {
      for (const feed of ['sales', 'events', 'inventory', 'orders']) {
        expect(defects(feed, 'late_arriving').length, feed).toBeGreaterThan(0);
      }
      for (const d of manifest.defects.filter((e) => e.kind === 'late_arriving')) {
        expect(fileDate(d.file) > fileDate(d.original_file as string), d.key).toBe(true);
      }
    });

    it('a late store sale is in the partition of the file that brought it, dated on its own day', async () => {
      const late = defects('sales', 'late_arriving');
      const rows = await project.query(
        `select transaction_id, cast(load_date as varchar) as load_date, cast(sale_date as varchar) as sale_date
         from warehouse.fact_store_sales where transaction_id in (${list(late.map((d) => d.key))})
         order by transaction_id`,
      );
      const expected = late
        .map((d) => ({
          transaction_id: d.key,
          load_date: fileDate(d.file),
          sale_date: fileDate(d.original_file as string),
        }))
        .sort(byKey('transaction_id'));
      expect(rows).toEqual(expected);
    });

    it('a late event is in the partition of the file that brought it, and sessionised there', async () => {
      const late = defects('events', 'late_arriving');
      const rows = await project.query(
        `select e.event_id, cast(e.load_date as varchar) as load_date, cast(e.event_date as varchar) as event_date,
                cast(s.load_date as varchar) as session_load_date
         from warehouse.fact_events as e
         join warehouse.fact_sessions as s on s.session_key = e.session_key
         where e.event_id in (${list(late.map((d) => d.key))})
         order by e.event_id`,
      );
      const expected = late
        .map((d) => ({
          event_id: d.key,
          load_date: fileDate(d.file),
          event_date: fileDate(d.original_file as string),
          session_load_date: fileDate(d.file),
        }))
        .sort(byKey('event_id'));
      expect(rows).toEqual(expected);
    });

    it('a late inventory snapshot is in the partition of the file that brought it', async () => {
      const late = defects('inventory', 'late_arriving');
      const rows = await project.query(
        `select cast(snapshot_date as varchar) || '|' || warehouse_id || '|' || cast(product_id as varchar) as key,
                cast(load_date as varchar) as load_date
         from warehouse.fact_inventory_daily
         where cast(snapshot_date as varchar) || '|' || warehouse_id || '|' || cast(product_id as varchar)
               in (${list(late.map((d) => d.key))})
         order by key`,
      );
      for (const d of late)
        expect((d.key as string).slice(0, 10), d.key).toBe(fileDate(d.original_file as string));
      expect(rows).toEqual(late.map((d) => ({ key: d.key, load_date: fileDate(d.file) })).sort(byKey('key')));
    });

    it('a late order record is staged under its file, and the order under the file of its first record', async () => {
      const late = defects('orders', 'late_arriving');
      const ids = late.map((d) => (d.key as string).split('|')[0] as string);
      const staged = await project.query(
        `select order_id || '|' || status as key, cast(load_date as varchar) as load_date from staging.stg_orders
         where order_id || '|' || status in (${list(late.map((d) => d.key))}) order by key`,
      );
      expect(staged).toEqual(
        late.map((d) => ({ key: d.key, load_date: fileDate(d.file) })).sort(byKey('key')),
      );
      const facts = await project.query(
        `select o.order_id, cast(o.load_date as varchar) as load_date, cast(o.order_date as varchar) as order_date,
                o.status, (select string_agg(distinct cast(i.load_date as varchar), ',') from warehouse.fact_order_items as i
                           where i.order_id = o.order_id) as item_load_dates
         from warehouse.fact_orders as o where o.order_id in (${list(ids)}) order by o.order_id`,
      );
      // The latest status wins whenever its record arrived; the partition is the first file's.
      const expected = [...new Set(ids)].sort().map((id) => {
        const order = orders.get(id);
        return {
          order_id: id,
          load_date: order?.firstFileDate,
          order_date: order?.orderDate,
          status: order?.status,
          item_load_dates: order?.firstFileDate,
        };
      });
      expect(facts).toEqual(expected);
      // At least one new order arrived late as a whole: its partition is not its order date.
      const placedLate = late.filter((d) => {
        const order = orders.get((d.key as string).split('|')[0] as string);
        return d.key?.endsWith('|placed') && order?.firstFileDate === fileDate(d.file);
      });
      expect(placedLate.length).toBeGreaterThan(0);
      for (const d of placedLate) {
        const order = orders.get((d.key as string).split('|')[0] as string);
        expect(order?.firstFileDate, d.key).not.toBe(order?.orderDate);
      }
    });
  });

  describe('orphan keys', () => {
    const orphanValues = (feed: string, field: (name: string) => boolean): Set<string> =>
      new Set(
        defects(feed, 'orphan_fk')
          .filter((d) => d.field !== undefined && field(d.field))
          .map((d) => String(d.value)),
      );

    it('are in the data: unknown customers and products on orders and store sales', () => {
      expect(defects('orders', 'orphan_fk').filter((d) => d.field === 'customer_id').length).toBeGreaterThan(
        0,
      );
      expect(
        defects('orders', 'orphan_fk').filter((d) => /^items\[\d+\]\.product_id$/.test(d.field ?? '')).length,
      ).toBeGreaterThan(0);
      expect(defects('sales', 'orphan_fk').length).toBeGreaterThan(0);
    });

    it('an order of an unknown customer points at the UNKNOWN customer, found = false', async () => {
      // An orphan on a placed record is on the order's first record, which gives the order its customer.
      const placed = defects('orders', 'orphan_fk').filter(
        (d) => d.field === 'customer_id' && d.key?.endsWith('|placed'),
      );
      expect(placed.length).toBeGreaterThan(0);
      const rows = await project.query(
        `select o.order_id, o.customer_id, o.customer_found, c.customer_id as dim_customer_id
         from warehouse.fact_orders as o
         join warehouse.dim_customer as c on c.customer_sk = o.customer_sk
         where o.order_id in (${list(placed.map((d) => (d.key as string).split('|')[0]))})
         order by o.order_id`,
      );
      const expected = placed
        .map((d) => ({
          order_id: (d.key as string).split('|')[0],
          customer_id: d.value,
          customer_found: false,
          dim_customer_id: 'UNKNOWN',
        }))
        .sort(byKey('order_id'));
      expect(rows).toEqual(expected);
      // And only orphans are not found.
      const orphans = orphanValues('orders', (f) => f === 'customer_id');
      const notFound = await project.query(
        `select distinct customer_id from warehouse.fact_orders where not customer_found`,
      );
      expect(notFound.filter((r) => !orphans.has(String(r.customer_id)))).toEqual([]);
    });

    it('an order line of an unknown product points at the unknown product, found = false', async () => {
      const placed = defects('orders', 'orphan_fk').filter(
        (d) => /^items\[\d+\]\.product_id$/.test(d.field ?? '') && d.key?.endsWith('|placed'),
      );
      expect(placed.length).toBeGreaterThan(0);
      // The manifest numbers list elements from 0, order lines are numbered from 1.
      const lineKey = (d: DefectEntry) =>
        `${(d.key as string).split('|')[0]}#${Number(/\[(\d+)\]/.exec(d.field as string)?.[1]) + 1}`;
      const rows = await project.query(
        `select i.order_id || '#' || cast(i.line_number as varchar) as line, i.product_id, i.product_found,
                p.product_id as dim_product_id
         from warehouse.fact_order_items as i
         join warehouse.dim_product as p on p.product_sk = i.product_sk
         where i.order_id || '#' || cast(i.line_number as varchar) in (${list(placed.map(lineKey))})
         order by line`,
      );
      const expected = placed
        .map((d) => ({
          line: lineKey(d),
          product_id: Number(d.value),
          product_found: false,
          dim_product_id: 0,
        }))
        .sort(byKey('line'));
      expect(rows).toEqual(expected);
    });

    it('a store sale of an unknown customer or product points at the UNKNOWN members, found = false', async () => {
      const orphans = defects('sales', 'orphan_fk');
      const rows = await project.query(
        `select s.transaction_id, s.customer_id, s.customer_found, c.customer_id as dim_customer_id,
                s.product_id, s.product_found, p.product_id as dim_product_id
         from warehouse.fact_store_sales as s
         join warehouse.dim_customer as c on c.customer_sk = s.customer_sk
         join warehouse.dim_product as p on p.product_sk = s.product_sk
         where s.transaction_id in (${list(orphans.map((d) => d.key))})`,
      );
      for (const d of orphans) {
        const row = rows.find((r) => r.transaction_id === d.key);
        expect(row, d.key).toBeDefined();
        if (d.field === 'customer_id') {
          expect(row, d.key).toMatchObject({
            customer_id: d.value,
            customer_found: false,
            dim_customer_id: 'UNKNOWN',
          });
        } else {
          expect(d.field).toBe('product_id');
          expect(row, d.key).toMatchObject({
            product_id: Number(d.value),
            product_found: false,
            dim_product_id: 0,
          });
        }
      }
    });

    it('an inventory snapshot of an unknown product points at the unknown product', async () => {
      const orphans = defects('inventory', 'orphan_fk');
      const keyOf = (d: DefectEntry) =>
        `${(d.key as string).split('|').slice(0, 2).join('|')}|${String(d.value)}`;
      const rows = await project.query(
        `select cast(i.snapshot_date as varchar) || '|' || i.warehouse_id || '|' || cast(i.product_id as varchar) as key,
                i.product_found, p.product_id as dim_product_id
         from warehouse.fact_inventory_daily as i
         join warehouse.dim_product as p on p.product_sk = i.product_sk
         where not i.product_found
         order by key`,
      );
      expect(rows).toEqual(
        orphans.map((d) => ({ key: keyOf(d), product_found: false, dim_product_id: 0 })).sort(byKey('key')),
      );
    });

    it('drops nothing: every fact holds exactly what staging holds', async () => {
      const [row] = await project.query(
        `select
           (select count(*) from warehouse.fact_orders) as fact_orders,
           (select count(distinct order_id) from staging.stg_orders) as staged_orders,
           (select count(*) from warehouse.fact_order_items) as fact_lines,
           (select count(*) from (select distinct order_id, line_number from staging.stg_order_items)) as staged_lines,
           (select count(*) from warehouse.fact_store_sales) as fact_sales,
           (select count(*) from staging.stg_sales) as staged_sales,
           (select count(*) from warehouse.fact_events) as fact_events,
           (select count(*) from staging.stg_events) as staged_events,
           (select count(*) from warehouse.fact_inventory_daily) as fact_inventory,
           (select count(*) from staging.stg_inventory) as staged_inventory,
           (select count(*) from warehouse.fact_orders where not customer_found) as orders_unknown_customer`,
      );
      expect(row?.fact_orders).toBe(row?.staged_orders);
      expect(row?.fact_orders).toBe(orders.size);
      expect(row?.fact_lines).toBe(row?.staged_lines);
      expect(row?.fact_sales).toBe(row?.staged_sales);
      expect(row?.fact_events).toBe(row?.staged_events);
      expect(row?.fact_inventory).toBe(row?.staged_inventory);
      expect(row?.orders_unknown_customer).toBeGreaterThan(0);
    });
  });
});

// ── dimension state at the time of each fact, from the raw files ─────────────────────────────────

const CHANGING: PackData = { start: '2025-01-01', days: 10, scale: 0.05, seed: 1, defects: 0 };

/** Milliseconds of a generated timestamp: ISO with Z, or the sales feed's 'YYYY-MM-DD HH:MM:SS'. */
const millis = (text: string): number => Date.parse(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);

interface Version {
  at: number;
  record: Record<string, unknown>;
}

/** Every record of a dimension feed by key, oldest updated_at first (across all files). */
async function dimensionVersions(
  dataDir: string,
  feed: string,
  key: string,
): Promise<Map<string, Version[]>> {
  const dir = join(dataDir, 'ecommerce', feed);
  const versions = new Map<string, Version[]>();
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    const records = name.endsWith('.ndjson')
      ? text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : (JSON.parse(text) as Record<string, unknown>[]);
    for (const record of records) {
      const id = String(record[key]);
      const list = versions.get(id) ?? [];
      list.push({ at: millis(String(record.updated_at)), record });
      versions.set(id, list);
    }
  }
  for (const list of versions.values()) list.sort((a, b) => a.at - b.at);
  return versions;
}

/** The newest record of `id` with updated_at <= `at`, if any. */
function inForce(
  versions: Map<string, Version[]>,
  id: string,
  at: number,
): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const v of versions.get(id) ?? []) if (v.at <= at) found = v.record;
  return found;
}

describe('e-commerce data: facts carry the dimension state in force when they happened', () => {
  let project: PackProject;

  beforeAll(async () => {
    project = await PackProject.withData(CHANGING);
    await project.run({ from: CHANGING.start, to: '2025-01-10' });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('has one customer and product record per day, with changes on the first day and later', async () => {
    for (const [feed, key] of [
      ['customers', 'customer_id'],
      ['products', 'product_id'],
    ] as const) {
      const versions = await dimensionVersions(project.dataDir, feed, key);
      const all = [...versions.values()].flat();
      const days = (list: Version[]) => list.map((v) => new Date(v.at).toISOString().slice(0, 10));
      for (const [id, list] of versions) expect(new Set(days(list)).size, `${feed} ${id}`).toBe(list.length);
      // Changed on the first day (folded into the initial snapshot, stamped that day) and later.
      const since = (v: Version) => String(v.record.signup_date ?? v.record.launched_date);
      const firstDayChanges = all.filter((v) => days([v])[0] === CHANGING.start && since(v) < CHANGING.start);
      expect(firstDayChanges.length, feed).toBeGreaterThan(0);
      expect([...versions.values()].filter((list) => list.length > 1).length, feed).toBeGreaterThan(0);
    }
  });

  it('orders and store sales match the newest customer and product records as of their time', async () => {
    const customers = await dimensionVersions(project.dataDir, 'customers', 'customer_id');
    const products = await dimensionVersions(project.dataDir, 'products', 'product_id');
    const mismatches: string[] = [];
    let lines = 0;
    for (const order of await readOrderRecords(project.dataDir)) {
      if (order.status !== 'placed') continue;
      const at = millis(order.placedAt);
      const customer = inForce(customers, order.customerId, at);
      if (customer?.city !== order.shippingCity) {
        mismatches.push(
          `${order.orderId} ${order.placedAt}: city ${order.shippingCity}, file ${String(customer?.city)}`,
        );
      }
      for (const line of order.lines) {
        lines += 1;
        const product = inForce(products, String(line.productId), at);
        if (product === undefined || toCents(product.price) !== line.unitPriceCents) {
          mismatches.push(
            `${order.orderId} ${order.placedAt} product ${line.productId}: ${line.unitPriceCents}, file ${String(product?.price)}`,
          );
        }
      }
    }
    const salesDir = join(project.dataDir, 'ecommerce', 'sales');
    let sales = 0;
    for (const name of (await readdir(salesDir)).sort()) {
      for (const sale of csvRecords(gunzipSync(await readFile(join(salesDir, name))).toString('utf8'))) {
        sales += 1;
        const at = millis(sale.transaction_date as string);
        const customer = inForce(customers, sale.customer_id as string, at);
        const product = inForce(products, sale.product_id as string, at);
        if (
          customer?.city !== sale.city ||
          product?.category !== sale.category ||
          product === undefined ||
          toCents(product.price) !== toCents(sale.unit_price)
        ) {
          mismatches.push(
            `${String(sale.transaction_id)} ${String(sale.transaction_date)}: ${String(sale.city)}/${String(customer?.city)} ` +
              `${String(sale.category)}/${String(product?.category)} ${String(sale.unit_price)}/${String(product?.price)}`,
          );
        }
      }
    }
    expect(lines).toBeGreaterThan(2000);
    expect(sales).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });

  it('and through the pack: every fact matches the dimension version it points at', async () => {
    expect(await project.query(ORDER_CITY_MISMATCHES)).toEqual([]);
    expect(await project.query(LINE_PRICE_MISMATCHES)).toEqual([]);
    expect(await project.query(SALE_PRICE_MISMATCHES)).toEqual([]);
  });
});
