import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TestProject, model } from '../helpers/project.ts';

/**
 * A project for the monitor's quality views: a CSV source whose contract quarantines records of
 * two dates (one of them resolved by a fixed contract and a rerun), a model whose error check
 * fails (so the mart after it is skipped), a seed, and a dashboard page. Two runs.
 */
export function monitorConfig(statuses: string[]): string {
  const config = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files: 'data/orders/*.csv',
        quarantine: false,
        checks: [{ reconciliation: 'raw' }],
        contract: {
          uniqueKey: ['order_id'],
          fields: {
            order_id: { type: 'string', required: true },
            quantity: { type: 'integer', min: 0 },
            amount: { type: 'decimal', precision: 10, scale: 2 },
            status: { type: 'enum', values: statuses },
            ordered_on: { type: 'date', from: 'Order Date', formats: ['%m/%d/%Y'] },
          },
        },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

const HEADER = 'order_id,quantity,amount,status,Order Date';

export const MONITOR_FILES = {
  'strata.config.ts': monitorConfig(['placed', 'shipped']),
  'data/orders/2025-03-14.csv': [
    HEADER,
    '1,1,1.00,placed,3/14/2025',
    '2,2,2.50,returned,3/14/2025',
    '3,x,3.00,placed,3/14/2025',
    '4,1,9.00,shipped,3/14/2025',
    '4,1,9.00,shipped,3/14/2025',
    '5,1,"1,5",placed,3/14/2025',
    '',
  ].join('\n'),
  'data/orders/2025-03-15.csv': [
    HEADER,
    '6,1,1.50,placed,3/15/2025',
    '7,3,12.00,placed,3/15/2025',
    '8,1,abc,placed,3/15/2025',
    '',
  ].join('\n'),
  'seeds/channels.csv': 'channel,label\nweb,Web\nstore,Store\n',
  'models/warehouse/fact_orders.sql': model(
    {
      materialized: 'table',
      schema: 'warehouse',
      checks: [{ range: { column: 'amount', max: 5 }, name: 'small_amounts' }],
      columns: { order_id: { checks: ['not_null', 'unique'] } },
    },
    "select order_id, quantity, amount, status, ordered_on from {{ ref('orders') }}",
  ),
  'models/marts/daily_orders.sql': model(
    { materialized: 'table', schema: 'marts' },
    "select ordered_on, count(*) as orders, sum(amount) as amount from {{ ref('fact_orders') }} group by ordered_on",
  ),
  'models/marts/channel_list.sql': model(
    { materialized: 'table', schema: 'marts' },
    "select channel, label from {{ ref('channels') }}",
  ),
  'dashboards/orders.md': `---
title: Orders
---

\`\`\`sql by_day
SELECT ordered_on, orders FROM {{ ref('daily_orders') }} ORDER BY ordered_on
\`\`\`

\`\`\`sql channels
SELECT channel FROM {{ ref('channel_list') }}
\`\`\`

<LineChart data="by_day" x="ordered_on" y="orders" />
<Table data="channels" />
`,
};

/** The project, run twice: every date, then 2025-03-14 again with 'returned' a status. */
export async function monitorProject(): Promise<TestProject> {
  const project = await TestProject.create(MONITOR_FILES);
  // A Latin-1 line: not UTF-8, quarantined alone with its bytes kept as `\xNN`.
  const latin1 = Buffer.concat([
    Buffer.from(`${HEADER}\n10,1,1.00,placed,3/16/2025\n11,1,1.00,caf`),
    Buffer.from([0xe9]),
    Buffer.from(',3/16/2025\n'),
  ]);
  await writeFile(join(project.dir, 'data/orders/2025-03-16.csv'), latin1);
  const first = await project.run({});
  expect(first.exitCode).toBe(1);
  await project.write({ 'strata.config.ts': monitorConfig(['placed', 'shipped', 'returned']) });
  const second = await project.run({ date: '2025-03-14' });
  expect(second.exitCode).toBe(1);
  return project;
}
