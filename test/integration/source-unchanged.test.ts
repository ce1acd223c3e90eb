import { afterEach, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import type { SourceNode } from '../../src/models/types.ts';
import { type SourceRunResult, ingestSource } from '../../src/sources/ingest-source.ts';
import { TestProject } from '../helpers/project.ts';

/**
 * "Nothing to do costs nothing" on the source side: a source whose definition is unchanged and that
 * finds no new or changed file in its dates stages nothing — unless the audit ledgers show that its
 * staging does not reflect every file ingested (a run that died between landing and staging).
 */

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const DAY = '2025-01-02';
const FILE = `data/orders/${DAY}.json`;

function config(): string {
  const c = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files: 'data/orders/*.json',
        quarantine: false,
        contract: {
          uniqueKey: ['order_id'],
          fields: {
            order_id: { type: 'string', required: true },
            total: { type: 'decimal', precision: 10, scale: 2, required: true },
            items: {
              type: 'array',
              required: true,
              items: { sku: { type: 'string', required: true }, quantity: { type: 'integer', min: 1 } },
            },
          },
        },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(c)});\n`;
}

const orders = (...rows: [string, string, number][]) =>
  JSON.stringify(
    rows.map(([id, total, quantity]) => ({ order_id: id, total, items: [{ sku: 'S1', quantity }] })),
  );

/** Runs the source's task directly, as the runner would with the definition unchanged (by default). */
async function ingest(
  runId: string,
  options: { definitionChanged?: boolean; now?: () => Date } = {},
): Promise<SourceRunResult> {
  const target = project as TestProject;
  return withProject(target.options, async (loaded, engine) => {
    const node = loaded.graph.nodes.get('orders') as SourceNode;
    return engine.withSession((session) =>
      ingestSource({
        engine,
        session,
        root: target.dir,
        node,
        runId,
        window: { from: DAY, to: DAY },
        fullRefresh: false,
        signal: new AbortController().signal,
        now: options.now ?? (() => new Date()),
        env: target.env,
        definitionChanged: options.definitionChanged ?? false,
      }),
    );
  });
}

/** Everything staging and the source's ledgers hold, to compare before and after a run. */
async function state(): Promise<Record<string, unknown>> {
  const p = project as TestProject;
  return {
    tables: await p.checksums(),
    loads: await p.query(
      `select run_id, cast(load_date as varchar) as d, files, received, staged, quarantined, duplicates, reconciled
       from audit.source_loads order by run_id, d`,
    ),
    files: await p.query(
      `select ingestion_id, run_id, path, status, change, records, rounded_values from audit.ingested_files order by run_id, path`,
    ),
    bad: await p.query(
      `select record_key, field, reason_code, run_id, resolved_run_id from audit.bad_records order by record_key, field`,
    ),
  };
}

const staged = () =>
  (project as TestProject).query(
    `select order_id, cast(total as varchar) as total from staging.orders order by order_id`,
  );

describe('a source with nothing to do', () => {
  it('reports unchanged on a second run of the same day and leaves staging and the ledgers as they were', async () => {
    project = await TestProject.create({
      'strata.config.ts': config(),
      [FILE]: orders(['o1', '10.50', 1], ['o2', '7', 0]),
    });
    expect((await project.run({ date: DAY })).exitCode).toBe(0);
    const before = await state();
    expect(before.bad).toHaveLength(1);

    const again = await ingest('r-again');
    expect(again.unchanged).toBe(true);
    expect(again).toMatchObject({ filesNew: 0, filesChanged: 0, filesUnchanged: 1, received: 0, dates: [] });
    expect(await state()).toEqual(before);

    // Without the promise of an unchanged definition, the date is staged again as before.
    const restaged = await ingest('r-definition', { definitionChanged: true });
    expect(restaged.unchanged).toBeUndefined();
    expect(restaged).toMatchObject({ received: 2, staged: 1, quarantined: 1, dates: [DAY] });
  });

  it('stages a changed file again', async () => {
    project = await TestProject.create({ 'strata.config.ts': config(), [FILE]: orders(['o1', '10.50', 1]) });
    expect((await project.run({ date: DAY })).exitCode).toBe(0);
    await project.write({ [FILE]: orders(['o1', '11.25', 2], ['o3', '3.10', 1]) });

    const changed = await ingest('r-changed');
    expect(changed.unchanged).toBeUndefined();
    expect(changed).toMatchObject({ filesChanged: 1, received: 2, staged: 2, dates: [DAY] });
    expect(await staged()).toEqual([
      { order_id: 'o1', total: '11.25' },
      { order_id: 'o3', total: '3.10' },
    ]);
    expect((await ingest('r-after')).unchanged).toBe(true);
  });

  it('does not take a run that died between landing a file and staging it for one that staged it', async () => {
    project = await TestProject.create({ 'strata.config.ts': config(), [FILE]: orders(['o1', '10.50', 1]) });
    expect((await project.run({ date: DAY })).exitCode).toBe(0);
    await project.write({ [FILE]: orders(['o1', '12.00', 1]) });

    // The run's clock is read to find the day's files, to date the file landed, then for staging:
    // the crash comes at the third reading, after the file is in raw and the ledger.
    let readings = 0;
    const crashing = () => {
      readings += 1;
      if (readings >= 3) throw new Error('the process died');
      return new Date();
    };
    await expect(ingest('r-crash', { now: crashing })).rejects.toThrow('the process died');
    expect(
      await project.query(`select change, status from audit.ingested_files where run_id = 'r-crash'`),
    ).toEqual([{ change: 'changed', status: 'loaded' }]);
    expect(await project.query(`select run_id from audit.source_loads where run_id = 'r-crash'`)).toEqual([]);
    expect(await staged()).toEqual([{ order_id: 'o1', total: '10.50' }]);

    // The file is unchanged since the crash, but staging never saw it.
    const recovered = await ingest('r-recover');
    expect(recovered.unchanged).toBeUndefined();
    expect(recovered).toMatchObject({
      filesChanged: 0,
      filesUnchanged: 1,
      received: 1,
      staged: 1,
      dates: [DAY],
    });
    expect(await staged()).toEqual([{ order_id: 'o1', total: '12.00' }]);
    // Staged by a later run (one the runs ledger dates after the crash), the date is current again.
    expect((await project.run({ date: DAY })).exitCode).toBe(0);
    expect((await ingest('r-after')).unchanged).toBe(true);
  });
});
