import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ExampleRun,
  REALDATA,
  add,
  expectQuarantineExplained,
  expectReconciled,
  readCsv,
  runExample,
  units,
  useExample,
  describeRealdata,
} from './support.ts';

const data = join(REALDATA, 'northwind');

// Independently of strata: the export read with a plain CSV parser. Some lines of orders.csv,
// customers.csv and suppliers.csv carry an unquoted comma inside an address ("Rua do Paço, 67"),
// so they have one field too many: no reader can tell which column the extra text belongs to.
const categories = readCsv(join(data, 'categories.csv'));
const products = readCsv(join(data, 'products.csv'));
const employees = readCsv(join(data, 'employees.csv'));
const customers = readCsv(join(data, 'customers.csv'));
const orders = readCsv(join(data, 'orders.csv'));
const details = readCsv(join(data, 'order-details.csv'));

/** Line revenue in units of 0.0001: unit price (cents) × quantity × (100 − discount in %). */
const lineRevenue = (d: Record<string, string>) =>
  units(d['unitPrice'] as string, 2) * Number(d['quantity']) * (100 - units(d['discount'] as string, 2));

const categoryName = new Map(categories.records.map((c) => [c['categoryID'], c['categoryName']]));
const categoryOfProduct = new Map(products.records.map((p) => [p['productID'], p['categoryID']]));
const employeeOfOrder = new Map(orders.records.map((o) => [o['orderID'], o['employeeID']]));

const revenueByCategory = new Map<string, number>();
const revenueByEmployee = new Map<string, number>();
const ordersByEmployee = new Map<string, Set<string>>();
for (const d of details.records) {
  const category = categoryName.get(categoryOfProduct.get(d['productID']) as string) as string;
  add(revenueByCategory, category, lineRevenue(d));
  const employee = employeeOfOrder.get(d['orderID']);
  if (employee === undefined) continue; // the order's line in orders.csv is malformed
  add(revenueByEmployee, employee, lineRevenue(d));
  ordersByEmployee.set(employee, (ordersByEmployee.get(employee) ?? new Set()).add(d['orderID'] as string));
}
const totalRevenue = details.records.reduce((sum, d) => sum + lineRevenue(d), 0);

describeRealdata('examples/northwind on the real Northwind export', () => {
  let example: ExampleRun;

  beforeAll(async () => {
    example = await useExample('northwind');
    const { exitCode, summary } = await runExample(example);
    expect(exitCode, JSON.stringify(summary.tasks, null, 2)).toBe(0);
  });

  afterAll(async () => {
    await example?.dispose();
  });

  it('reconciles every source: received = staged + quarantined + duplicates', async () => {
    const loads = await expectReconciled(example, [
      'categories',
      'customers',
      'employees',
      'order_details',
      'orders',
      'products',
    ]);
    const expected = {
      categories,
      customers,
      employees,
      order_details: details,
      orders,
      products,
    };
    for (const [source, file] of Object.entries(expected)) {
      expect(loads[source], source).toMatchObject({
        received: file.records.length + file.malformedLines.length,
        staged: file.records.length,
        quarantined: file.malformedLines.length,
        duplicates: 0,
      });
    }
    // The defects of the export, found by the plain parser too.
    expect(orders.malformedLines).toHaveLength(176);
    expect(customers.malformedLines).toHaveLength(24);
  });

  it('quarantines exactly the lines with a field too many, each with its reason and text', async () => {
    await expectQuarantineExplained(example);
    for (const [source, file] of [
      ['orders', orders],
      ['customers', customers],
    ] as const) {
      const rows = await example.query(
        `SELECT source_line, reason_code, field, raw_record FROM audit.bad_records WHERE source = '${source}' ORDER BY source_line`,
      );
      expect(rows.map((r) => r.source_line)).toEqual(file.malformedLines);
      expect(new Set(rows.map((r) => r.reason_code))).toEqual(new Set(['malformed_record']));
    }
    const [hanar] = await example.query(
      `SELECT raw_record FROM audit.bad_records WHERE source = 'orders' AND raw_record LIKE '10250,%'`,
    );
    expect(hanar?.raw_record).toContain('Rua do Paço, 67');
    const others = await example.query(
      `SELECT count(*) AS n FROM audit.bad_records WHERE source NOT IN ('orders', 'customers')`,
    );
    expect(others).toEqual([{ n: 0 }]);
  });

  it('maps NULL strings to nulls, keeps leading zeros and parses SQL Server timestamps as dates', async () => {
    const [shipped] = await example.query(
      `SELECT count(*) FILTER (WHERE shipped_date IS NULL) AS unshipped,
              count(*) FILTER (WHERE ship_region IS NULL) AS no_region,
              CAST(min(order_date) AS VARCHAR) AS first_order
       FROM staging.orders`,
    );
    expect(shipped).toEqual({
      unshipped: orders.records.filter((o) => o['shippedDate'] === 'NULL').length,
      no_region: orders.records.filter((o) => o['shipRegion'] === 'NULL').length,
      first_order: '1996-07-04',
    });
    const [anatr] = await example.query(
      `SELECT postal_code, region FROM staging.customers WHERE customer_id = 'ANATR'`,
    );
    expect(anatr).toEqual({ postal_code: '05021', region: null });
    const [fuller] = await example.query(
      `SELECT reports_to, CAST(hire_date AS VARCHAR) AS hired FROM staging.employees WHERE employee_id = 2`,
    );
    expect(fuller).toEqual({ reports_to: null, hired: '1992-08-14' });
  });

  it('computes revenue by category as unit price × quantity × (1 − discount)', async () => {
    const rows = await example.query(
      'SELECT category_name, CAST(revenue AS VARCHAR) AS revenue FROM marts.revenue_by_category',
    );
    const actual = Object.fromEntries(
      rows.map((r) => [String(r.category_name), units(String(r.revenue), 4)]),
    );
    expect(actual).toEqual(Object.fromEntries(revenueByCategory));
    expect(Object.values(actual).reduce((a, b) => a + b, 0)).toBe(totalRevenue);
    expect(actual['Beverages']).toBe(267_868_1800); // 267,868.18
  });

  it('computes revenue by employee over the orders that were staged', async () => {
    const rows = await example.query(
      'SELECT employee_id, orders, CAST(revenue AS VARCHAR) AS revenue FROM marts.revenue_by_employee',
    );
    expect(
      Object.fromEntries(rows.map((r) => [String(r.employee_id), [r.orders, units(String(r.revenue), 4)]])),
    ).toEqual(
      Object.fromEntries(
        [...revenueByEmployee].map(([id, revenue]) => [id, [ordersByEmployee.get(id)?.size, revenue]]),
      ),
    );
    // The lines of quarantined orders are still in the fact table, without an employee.
    const [orphans] = await example.query(
      `SELECT count(*) AS n FROM warehouse.fct_order_lines WHERE employee_id IS NULL`,
    );
    const staged = new Set(orders.records.map((o) => o['orderID']));
    expect(orphans?.n).toBe(details.records.filter((d) => !staged.has(d['orderID'])).length);
  });
});
