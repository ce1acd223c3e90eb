import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';

describe('upsert models', () => {
  let project: TestProject;
  const products = (...rows: (string | number)[][]) => ({
    'seeds/products.csv': csv('sku,region,name,price', ...rows),
  });
  const all = () => project.query('select * from warehouse.product_prices order by sku, region');

  beforeAll(async () => {
    project = await TestProject.create({
      ...products(
        ['A', 'eu', 'apple', 1],
        ['A', 'us', 'apple', 2],
        ['B', 'eu', 'banana', 3],
        ['C', 'eu', 'cherry', 4],
      ),
      'models/warehouse/product_prices.sql': model(
        { materialized: 'upsert', unique_key: ['sku', 'region'] },
        `select sku, region, name, cast(price as decimal(8, 2)) as price from {{ ref('products') }}`,
      ),
    });
    expect((await project.run()).exitCode).toBe(0);
  });
  afterAll(() => project?.dispose());

  it('updates existing keys, inserts new ones, keeps untouched ones (composite key)', async () => {
    await project.write(
      products(
        ['A', 'us', 'apple', 2.5], // update of (A, us) only; (A, eu) untouched
        ['C', 'eu', 'cherries', 4], // update
        ['D', 'eu', 'date', 5], // new
        ['B', 'us', 'banana', 6], // new: same sku, other region
      ),
    );
    const result = await project.run();
    expect(result.exitCode).toBe(0);
    expect(result.summary.tasks.find((t) => t.task === 'product_prices')?.rows).toMatchObject({
      rowsInserted: 4,
      rowsUpdated: 2,
    });
    expect(await all()).toEqual([
      { sku: 'A', region: 'eu', name: 'apple', price: 1 },
      { sku: 'A', region: 'us', name: 'apple', price: 2.5 },
      { sku: 'B', region: 'eu', name: 'banana', price: 3 },
      { sku: 'B', region: 'us', name: 'banana', price: 6 },
      { sku: 'C', region: 'eu', name: 'cherries', price: 4 },
      { sku: 'D', region: 'eu', name: 'date', price: 5 },
    ]);
  });

  it('running the same rows again changes nothing', async () => {
    const before = await project.checksums();
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.checksums()).toEqual(before);
  });

  it('a null key fails with NULL_KEY and leaves the table unchanged', async () => {
    const before = await project.checksums();
    await project.write(products(['A', 'eu', 'apple', 9], ['E', '', 'elderberry', 7]));
    const result = await project.run();
    expect(result.exitCode).toBe(1);
    const task = result.summary.tasks.find((t) => t.task === 'product_prices');
    expect(task?.status).toBe('failed');
    expect(task?.error?.code).toBe('NULL_KEY');
    expect(task?.error?.hint).toBeTruthy();
    expect((await project.checksums())['warehouse.product_prices']).toBe(before['warehouse.product_prices']);
  });

  it('a duplicate key on the first build fails with DUPLICATE_KEY and creates no table', async () => {
    const fresh = await TestProject.create({
      ...products(['A', 'eu', 'apple', 1], ['A', 'eu', 'apple again', 2]),
      'models/warehouse/product_prices.sql': model(
        { materialized: 'upsert', unique_key: ['sku', 'region'] },
        `select sku, region, name, price from {{ ref('products') }}`,
      ),
    });
    try {
      const result = await fresh.run();
      expect(result.exitCode).toBe(1);
      expect(result.summary.tasks.find((t) => t.task === 'product_prices')?.error?.code).toBe(
        'DUPLICATE_KEY',
      );
      expect(Object.keys(await fresh.checksums())).toEqual(['raw.products']);
    } finally {
      await fresh.dispose();
    }
  });
});
