import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { newestSourceTotals } from '../audit/source-loads.ts';
import { CONFIG_FILES } from '../config/load-config.ts';
import type { Row } from '../engine/types.ts';
import { removeWarehouseFile } from '../engine/open/create-engine.ts';
import { StrataError } from '../errors/strata-error.ts';
import { DEFAULT_DEFECT_KINDS, generate, type GenerateProgress } from '../generate/index.ts';
import { type ManifestHeader, readManifestHeader } from '../generate/manifest.ts';
import { addDays, assertIsoDate } from '../time/dates.ts';
import { loadProject } from '../project/load-project.ts';
import type { RunEventListener } from '../runner/events.ts';
import type { RunSummary } from '../runner/run-pipeline.ts';
import { STRATA_VERSION } from '../version.ts';
import { DEMO_PACKS, type DemoMetricKind, type DemoPack } from './demo-packs.ts';
import {
  type DemoProductsApi,
  type DemoProductsApiOptions,
  productsApiUnsupported,
  withDemoProductsApi,
} from './demo-products-api.ts';
import { initProject } from './init.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import { query } from './query.ts';
import { run } from './run.ts';
import { status } from './status.ts';
import { byLayerFlow } from '../models/layers.ts';

export { DEMO_PACKS, type DemoPack, type DemoMetricKind } from './demo-packs.ts';
export {
  DEMO_PRODUCTS_API_FAULTS,
  PRODUCTS_API_ENV,
  type DemoProductsApi,
  type DemoProductsApiOptions,
} from './demo-products-api.ts';

/**
 * The demo's data volume: about 2% of the generator's scale 1 (≈ 2k customers, 20k orders a
 * year). Tuned so the whole demo (generate + run) takes a few minutes on 2 cores.
 */
export const DEMO_SCALE = 0.02;

export const DEMO_DEFAULTS = {
  dir: 'strata-demo',
  pack: 'all',
  start: '2025-01-01',
  days: 365,
  scale: DEMO_SCALE,
  seed: 42,
  defects: 0.01,
} as const;

/** Marks a project folder as made by `strata demo`, which may then reuse it. */
export const DEMO_MARKER = '.strata-demo.json';

export interface DemoOptions {
  /** The demo project folder (created when it holds no project). */
  dir: string;
  /** Which of DEMO_PACKS; default 'ecommerce'. */
  pack?: string;
  /** First load date, YYYY-MM-DD. */
  start?: string;
  days?: number;
  scale?: number;
  seed?: number;
  defects?: number;
  /** Generator worker threads (default: the generator's). */
  threads?: number;
  /**
   * E-commerce only: the products come from the bundled fixture API (the generated catalogue of
   * the demo's seed and scale, failing some requests so the retries show) instead of the files.
   */
  productsApi?: boolean | DemoProductsApiOptions;
  env?: NodeJS.ProcessEnv;
  /** What the demo is doing, step by step. */
  onStep?: (step: DemoStep) => void;
  onGenerateProgress?: (progress: GenerateProgress) => void;
  /** The pipeline run's events, as `run` emits them. */
  onEvent?: RunEventListener;
  /** Interrupts the pipeline run when aborted (RunOptions.signal). */
  signal?: AbortSignal;
}

export interface DemoStep {
  step:
    'create_project' | 'reuse_project' | 'generate' | 'reuse_data' | 'reset_warehouse' | 'run' | 'summarise';
  message: string;
}

export interface DemoResult {
  projectDir: string;
  pack: string;
  project: {
    /** True when this call created the project, false when it reused an earlier demo's. */
    created: boolean;
    template: string;
    /** The warehouse, as the engine describes itself. */
    warehouse: string;
    /** True when the data changed, so an earlier demo warehouse (a DuckDB file in the folder) was removed. */
    warehouseReset: boolean;
  };
  generation: DemoGeneration;
  /** The product API the run fetched the products from; null when they came from the files. */
  productsApi: DemoProductsApi | null;
  window: { from: string; to: string };
  run: RunSummary;
  /** 0 when every task succeeded, else 1 (as `run`). */
  exitCode: number;
  /** The project's tables per schema, in layer order. */
  layers: DemoLayer[];
  sources: DemoSource[];
  headline: DemoHeadline;
}

export interface DemoGeneration {
  /** True when data/manifest.json already held these arguments and nothing was written. */
  reused: boolean;
  /** True when earlier data with other arguments was replaced. */
  replaced: boolean;
  out: string;
  manifestPath: string;
  arguments: DemoGenerateArguments;
  files: number;
  rows: number;
  bytes: number;
  defects: number;
  /** Time spent generating; null when the data was reused. */
  durationMs: number | null;
}

export interface DemoGenerateArguments {
  domain: DemoPack['domain'];
  start: string;
  days: number;
  scale: number;
  seed: number;
  defects: number;
  defect_kinds: string[];
}

export interface DemoLayer {
  schema: string;
  tables: DemoTable[];
}

export interface DemoTable {
  name: string;
  kind: 'model' | 'seed' | 'source';
  materialization: string;
  built: 'table' | 'view' | 'missing';
  /** Null for views and tables not built. */
  rows: number | null;
}

/** A source's reconciliation over the window: the newest load of each date, summed. */
export interface DemoSource {
  source: string;
  loadDates: number;
  files: number;
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
  /** Every date's received = staged + quarantined + duplicates. */
  reconciled: boolean;
}

export interface DemoHeadline {
  metrics: DemoMetric[];
  /** Marts the headline reads that the warehouse does not hold (the pack may not build them yet). */
  missingMarts: string[];
}

export interface DemoMetric {
  key: string;
  label: string;
  kind: DemoMetricKind;
  /** The mart it is read from. */
  mart: string;
  value: number | string | null;
  /** For a "best of" metric (best month, top category): the amount that made it best. */
  amount?: number | null;
  amountLabel?: string;
  /** Why there is no value: the mart is not built, or its query failed. */
  unavailable?: string;
}

/**
 * `strata demo`: creates a project from a pack's template (or reuses the one an earlier demo
 * made), generates its raw data (or reuses it when the arguments are the same), runs the pipeline
 * over the generated dates, and reads back what was built and the headline numbers.
 */
export async function demo(options: DemoOptions): Promise<DemoResult> {
  const pack = demoPack(options.pack ?? DEMO_DEFAULTS.pack);
  const projectDir = resolve(options.dir);
  const start = assertIsoDate(options.start ?? DEMO_DEFAULTS.start, '--start');
  const days = options.days ?? DEMO_DEFAULTS.days;
  if (!Number.isInteger(days) || days < 1) {
    throw new StrataError('USAGE', `--days must be a whole number of at least 1, got ${String(days)}`, {
      field: 'days',
    });
  }
  const window = { from: start, to: addDays(start, days - 1) };
  const step = (s: DemoStep['step'], message: string) => options.onStep?.({ step: s, message });
  const env = options.env;
  const productsApi = options.productsApi
    ? options.productsApi === true
      ? {}
      : options.productsApi
    : undefined;
  if (productsApi && pack.domain !== 'ecommerce') throw productsApiUnsupported(pack.name);
  const products: DemoMarker['products'] = productsApi ? 'api' : 'files';

  const created = await prepareProject(projectDir, pack, products, step);
  const productsBefore = created ? products : await markedProducts(projectDir);

  const args: DemoGenerateArguments = {
    domain: pack.domain,
    start,
    days,
    scale: options.scale ?? DEMO_DEFAULTS.scale,
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    defects: options.defects ?? DEMO_DEFAULTS.defects,
    defect_kinds: [...DEFAULT_DEFECT_KINDS],
  };
  const generation = await generateData(projectDir, args, options, step);

  // New data replaces old files, but a warehouse keeps what it loaded from them: the demo's own
  // warehouse file is rebuilt from scratch; another warehouse is fully refreshed.
  // So does a switch between the product files and the product API: the products' history is
  // rebuilt from the one the demo now reads.
  let warehouseReset = false;
  let fullRefresh = false;
  const productsSwitched = productsBefore !== products;
  if (generation.replaced || productsSwitched) {
    const target = (await loadProject(projectDir, env)).engineTarget;
    const removed = await removeWarehouseFile(target, projectDir);
    const why = generation.replaced ? 'The data changed' : `The products now come from the ${products}`;
    if (removed) {
      step('reset_warehouse', `${why}: removed the earlier demo warehouse ${removed}`);
      warehouseReset = true;
    } else {
      fullRefresh = true;
      // A server keeps the raw layer: the API's records fetched by an earlier demo stay there and
      // are staged again, so going back to the files takes a new database.
      if (productsSwitched && products === 'files') {
        step(
          'reset_warehouse',
          `${why}: the product API's records an earlier demo fetched stay in this warehouse's raw layer (products_api) and keep taking precedence; use a new database to see the files' products alone`,
        );
      }
    }
  }

  const runPipeline = () =>
    run({
      projectDir,
      env,
      from: window.from,
      to: window.to,
      fullRefresh,
      trigger: 'cli',
      command: 'demo',
      onEvent: options.onEvent,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  let served: DemoProductsApi | null = null;
  let outcome: Awaited<ReturnType<typeof runPipeline>>;
  if (productsApi) {
    const { result, api } = await withDemoProductsApi(
      projectDir,
      { seed: args.seed, scale: args.scale, ...productsApi },
      async (url) => {
        step(
          'run',
          `Running the pipeline for ${window.from}..${window.to}, the products from the fixture product API at ${url}`,
        );
        return runPipeline();
      },
    );
    outcome = result;
    served = api;
  } else {
    step('run', `Running the pipeline for ${window.from}..${window.to}`);
    outcome = await runPipeline();
  }
  const { summary, exitCode } = outcome;
  if (productsSwitched) await markProducts(projectDir, products);

  step('summarise', 'Reading what was built and the headline numbers');
  const state = await status({ projectDir, env });
  const layers = groupLayers(state.models);
  const built = new Set(state.models.filter((m) => m.built !== 'missing').map((m) => m.target));
  const sources = await sourceTotals({ projectDir, env }, window);
  const headline = await readHeadline({ projectDir, env }, pack, window, built);

  return {
    projectDir,
    pack: pack.name,
    project: { created, template: pack.template, warehouse: state.engine, warehouseReset },
    generation,
    productsApi: served,
    window,
    run: summary,
    exitCode,
    layers,
    sources,
    headline,
  };
}

export interface DemoAllOptions extends Omit<DemoOptions, 'pack'> {
  /** A pack's name, or 'all' (the default): each pack gets its own project, `<dir>/<pack>`. */
  pack?: string;
}

/**
 * `strata demo`: one project per pack under `dir` (`strata-demo/ecommerce`, `strata-demo/saas`),
 * built one after the other. `dir` itself only holds the demo projects.
 */
export async function demoPacks(options: DemoAllOptions): Promise<DemoResult[]> {
  const wanted = options.pack ?? DEMO_DEFAULTS.pack;
  const packs = wanted === 'all' ? DEMO_PACKS : [demoPack(wanted)];
  const root = resolve(options.dir);
  const config = CONFIG_FILES.find((file) => existsSync(join(root, file)));
  if (config !== undefined) {
    throw new StrataError(
      'DEMO_TARGET_NOT_DEMO',
      `${root} holds a strata project; the demo needs a folder of its own`,
      {
        file: join(root, config),
        hint: 'The demo creates one project per pack inside its folder (e.g. strata-demo/ecommerce). Pass --dir with a new folder.',
      },
    );
  }
  if (options.productsApi && wanted !== 'all' && demoPack(wanted).domain !== 'ecommerce') {
    throw productsApiUnsupported(wanted);
  }
  const results: DemoResult[] = [];
  for (const pack of packs) {
    // With every pack, the product API is the e-commerce pack's alone.
    const productsApi = pack.domain === 'ecommerce' ? options.productsApi : undefined;
    results.push(await demo({ ...options, productsApi, pack: pack.name, dir: join(root, pack.name) }));
  }
  return results;
}

export function demoPack(name: string): DemoPack {
  const pack = DEMO_PACKS.find((p) => p.name === name);
  if (!pack) {
    throw new StrataError('USAGE', `Unknown demo pack "${name}"`, {
      hint: `Available: ${DEMO_PACKS.map((p) => p.name).join(', ')}.`,
    });
  }
  return pack;
}

interface DemoMarker {
  created_by: 'strata demo';
  pack: string;
  template: string;
  /** Where the last demo took the products from (missing: the files). */
  products?: 'files' | 'api';
}

/** Creates the project, or checks that the folder holds an earlier demo of the same pack. */
async function prepareProject(
  projectDir: string,
  pack: DemoPack,
  products: DemoMarker['products'],
  step: (s: DemoStep['step'], message: string) => void,
): Promise<boolean> {
  const config = CONFIG_FILES.find((file) => existsSync(join(projectDir, file)));
  if (config === undefined) {
    step('create_project', `Creating a project in ${projectDir} from the "${pack.template}" template`);
    await initProject(projectDir, pack.template);
    const marker: DemoMarker = { created_by: 'strata demo', pack: pack.name, template: pack.template };
    if (products === 'api') marker.products = 'api';
    await writeFile(join(projectDir, DEMO_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    return true;
  }
  const marker = await readMarker(join(projectDir, DEMO_MARKER));
  if (!marker) {
    throw new StrataError(
      'DEMO_TARGET_NOT_DEMO',
      `${projectDir} holds a strata project that strata demo did not create`,
      {
        file: join(projectDir, config),
        hint: 'The demo writes generated data and rebuilds its warehouse, so it only reuses its own projects. Pass --dir with a new folder, or use `strata run` in this project.',
      },
    );
  }
  if (marker.pack !== pack.name) {
    throw new StrataError(
      'DEMO_TARGET_NOT_DEMO',
      `${projectDir} holds the "${marker.pack}" demo, not "${pack.name}"`,
      {
        file: join(projectDir, DEMO_MARKER),
        hint: 'Pass --dir with another folder for this demo.',
      },
    );
  }
  step('reuse_project', `Reusing the demo project in ${projectDir}`);
  return false;
}

/** Where the demo in this folder took its products from last time. */
async function markedProducts(projectDir: string): Promise<DemoMarker['products']> {
  return (await readMarker(join(projectDir, DEMO_MARKER)))?.products ?? 'files';
}

async function markProducts(projectDir: string, products: DemoMarker['products']): Promise<void> {
  const path = join(projectDir, DEMO_MARKER);
  const marker = await readMarker(path);
  if (!marker) return;
  const { products: _previous, ...rest } = marker;
  const next: DemoMarker = products === 'api' ? { ...rest, products } : rest;
  await writeFile(path, `${JSON.stringify(next, null, 2)}\n`);
}

async function readMarker(path: string): Promise<DemoMarker | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const marker = JSON.parse(await readFile(path, 'utf8')) as Partial<DemoMarker>;
    return marker.created_by === 'strata demo' && typeof marker.pack === 'string'
      ? (marker as DemoMarker)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Generates into <project>/data unless its manifest records exactly these arguments. */
async function generateData(
  projectDir: string,
  args: DemoGenerateArguments,
  options: DemoOptions,
  step: (s: DemoStep['step'], message: string) => void,
): Promise<DemoGeneration> {
  const out = join(projectDir, 'data');
  const manifestPath = join(out, 'manifest.json');
  const previous = await readManifestHeader(manifestPath);
  if (previous && sameArguments(previous, args)) {
    step('reuse_data', `Reusing the data in ${out}: generated earlier with the same arguments`);
    return {
      reused: true,
      replaced: false,
      out,
      manifestPath,
      arguments: args,
      ...previous.totals,
      durationMs: null,
    };
  }
  const exists = existsSync(manifestPath);
  step(
    'generate',
    `Generating ${args.days} days of ${args.domain} data from ${args.start} (scale ${args.scale}, seed ${args.seed}, defects ${args.defects}) into ${out}${exists ? ', replacing the earlier data' : ''}`,
  );
  const result = await generate({
    domain: args.domain,
    start: args.start,
    days: args.days,
    scale: args.scale,
    seed: args.seed,
    defects: args.defects,
    out,
    overwrite: exists,
    threads: options.threads,
    onProgress: options.onGenerateProgress,
  });
  return {
    reused: false,
    replaced: exists,
    out,
    manifestPath,
    arguments: args,
    files: result.files,
    rows: result.rows,
    bytes: result.bytes,
    defects: result.defects,
    durationMs: result.durationMs,
  };
}

/** Same arguments and same strata version: the generator would write the same bytes again. */
export function sameArguments(
  manifest: Pick<ManifestHeader, 'arguments' | 'strata_version'>,
  args: DemoGenerateArguments,
): boolean {
  if (manifest.strata_version !== STRATA_VERSION) return false;
  const a = manifest.arguments;
  return (Object.keys(args) as (keyof DemoGenerateArguments)[]).every(
    (key) => JSON.stringify(a[key]) === JSON.stringify(args[key]),
  );
}

function groupLayers(
  models: readonly {
    target: string;
    name: string;
    kind: DemoTable['kind'];
    materialization: string;
    built: DemoTable['built'];
    rows: number | null;
  }[],
): DemoLayer[] {
  const layers = new Map<string, DemoTable[]>();
  for (const m of models) {
    const dot = m.target.indexOf('.');
    const schema = m.target.slice(0, dot);
    const tables = layers.get(schema) ?? [];
    tables.push({
      name: m.target.slice(dot + 1),
      kind: m.kind,
      materialization: m.materialization,
      built: m.built,
      rows: m.rows,
    });
    layers.set(schema, tables);
  }
  return [...layers.entries()]
    .sort(([a], [b]) => byLayerFlow(a, b))
    .map(([schema, tables]) => ({ schema, tables: tables.sort((a, b) => a.name.localeCompare(b.name)) }));
}

async function sourceTotals(
  options: ProjectOptions,
  window: { from: string; to: string },
): Promise<DemoSource[]> {
  return withProject(options, (_project, engine) => newestSourceTotals(engine, window));
}

async function readHeadline(
  options: ProjectOptions,
  pack: DemoPack,
  window: { from: string; to: string },
  built: ReadonlySet<string>,
): Promise<DemoHeadline> {
  const metrics: DemoMetric[] = [];
  const missing = new Set<string>();
  for (const q of pack.headline) {
    let row: Row | undefined;
    let unavailable: string | undefined;
    if (!built.has(q.mart)) {
      missing.add(q.mart);
      unavailable = `${q.mart} is not built`;
    } else {
      try {
        row = (await rowsOf(options, q.sql(window)))[0];
      } catch (error) {
        if (!(error instanceof StrataError)) throw error;
        unavailable = `${q.mart}: ${error.message.split('\n', 1)[0] ?? ''}`;
      }
    }
    for (const m of q.metrics) {
      const metric: DemoMetric = {
        key: m.key,
        label: m.label,
        kind: m.kind,
        mart: q.mart,
        value: row ? valueOf(row[m.column], m.kind) : null,
      };
      if (m.amountColumn) {
        metric.amount = row ? numberOrNull(row[m.amountColumn]) : null;
        metric.amountLabel = m.amountLabel ?? m.amountColumn;
      }
      if (unavailable) metric.unavailable = unavailable;
      metrics.push(metric);
    }
  }
  return { metrics, missingMarts: [...missing] };
}

function valueOf(value: unknown, kind: DemoMetricKind): number | string | null {
  if (kind === 'money' || kind === 'count' || kind === 'percent') return numberOrNull(value);
  return value === null || value === undefined ? null : String(value);
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

async function rowsOf(options: ProjectOptions, sql: string): Promise<Row[]> {
  const rows: Row[] = [];
  await query({ ...options, sql }, (batch) => {
    rows.push(...batch.rows);
  });
  return rows;
}
