/**
 * The layers of src/, lowest first: what each folder holds and the folders it may import. ESLint
 * turns the table into `import-x/no-restricted-paths` zones (layerZones below); DEVELOPERS.md's
 * layout table is this table, and test/lint/layers.test.ts fails when the two drift apart or when
 * a folder names one that is not below it.
 *
 * `only` narrows a permission to named files of that folder: another adapter, or the generator,
 * may use DuckDB through the helpers built for it and nothing else of `engine/duckdb/`.
 */
export const LAYERS = [
  { name: 'errors', paths: ['src/errors'], holds: '`StrataError`, the catalogue of error codes', may: [] },
  { name: 'version.ts', paths: ['src/version.ts'], holds: "strata's version", may: [] },
  {
    name: 'time',
    paths: ['src/time'],
    holds: 'load dates (validated literals), SQL timestamps, retry backoff',
    may: ['errors'],
  },
  {
    name: 'config',
    paths: ['src/config'],
    holds:
      'the zod schemas of everything a project declares (config, sources, contracts, checks, alerts), loading `strata.config.ts`, engine choice',
    may: ['errors', 'time'],
  },
  {
    name: 'engine',
    paths: ['src/engine/*.ts'],
    holds: 'the `Engine`/`Dialect` interface, identifiers, the CSV grammar both engines run',
    may: ['errors', 'time'],
  },
  {
    name: 'engine/duckdb',
    paths: ['src/engine/duckdb'],
    holds:
      'the DuckDB adapter; `file-reader.ts`, `file-writer.ts`, `parquet-writer.ts` and `file-profile.ts` lend DuckDB to other folders',
    may: ['engine', 'errors', 'time'],
  },
  {
    name: 'engine/postgres',
    paths: ['src/engine/postgres'],
    holds: 'the PostgreSQL adapter',
    may: ['engine', 'errors', 'time', { name: 'engine/duckdb', only: ['file-reader.ts', 'file-writer.ts'] }],
  },
  {
    name: 'engine/open',
    paths: ['src/engine/open'],
    holds: '`createEngine`: the adapter for a resolved target, its driver loaded only then',
    may: ['engine', 'engine/duckdb', 'engine/postgres', 'config', 'errors'],
  },
  {
    name: 'models',
    paths: ['src/models'],
    holds: 'header and template parsing, DAG, selection — pure',
    may: ['engine', 'config', 'errors', 'time'],
  },
  {
    name: 'dashboards',
    paths: ['src/dashboards'],
    holds: 'dashboard pages: parsing and checking their files, rendering their queries — pure',
    may: ['engine', 'errors', 'time'],
  },
  {
    name: 'materialize',
    paths: ['src/materialize'],
    holds: 'rendering a model into SQL steps — pure',
    may: ['models', 'engine', 'config', 'errors', 'time'],
  },
  {
    name: 'audit',
    paths: ['src/audit'],
    holds: 'the audit schema, its migrations, the recorder and every read and write of `audit.*`',
    may: ['engine', 'errors', 'time'],
  },
  {
    name: 'checks',
    paths: ['src/checks'],
    holds: 'collecting checks from headers, contracts and config; rendering (pure) and running them',
    may: ['models', 'materialize', 'audit', 'engine', 'config', 'errors', 'time'],
  },
  {
    name: 'contracts',
    paths: ['src/contracts'],
    holds: "compiling a source's contract into staging SQL — pure",
    may: ['engine', 'config', 'errors', 'time'],
  },
  {
    name: 'infer',
    paths: ['src/infer'],
    holds: "drafting a source's contract from the profile of sample files — pure",
    may: ['engine', 'config', 'errors'],
  },
  {
    name: 'lineage',
    paths: ['src/lineage'],
    holds: "column-level lineage: a model's output columns traced to upstream columns by a SQL parser — pure",
    may: ['errors'],
  },
  {
    name: 'docs',
    paths: ['src/docs'],
    holds: 'the documentation site: its data (types) and its pages rendered from them — pure',
    may: ['lineage', 'dashboards', 'errors'],
  },
  {
    name: 'project',
    paths: ['src/project'],
    holds: 'reading a project folder into a validated DAG and its dashboard pages',
    may: ['config', 'models', 'dashboards', 'checks', 'engine', 'errors', 'time'],
  },
  {
    name: 'sources',
    paths: ['src/sources'],
    holds: 'discovering, landing (raw) and staging source files and HTTP pages',
    may: ['contracts', 'materialize', 'models', 'audit', 'engine', 'config', 'errors', 'time'],
  },
  {
    name: 'alerts',
    paths: ['src/alerts'],
    holds: 'alert rules over the audit records, webhooks',
    may: ['audit', 'engine', 'engine/open', 'config', 'errors', 'time'],
  },
  {
    name: 'runner',
    paths: ['src/runner'],
    holds: 'task scheduling and execution, run orchestration',
    may: [
      'alerts',
      'sources',
      'project',
      'contracts',
      'checks',
      'audit',
      'materialize',
      'models',
      'engine',
      'config',
      'errors',
      'time',
      'version.ts',
    ],
  },
  {
    name: 'generate',
    paths: ['src/generate'],
    holds: 'the deterministic raw-export generator of the packs',
    may: ['errors', 'time', 'version.ts', { name: 'engine/duckdb', only: ['parquet-writer.ts'] }],
  },
  {
    name: 'fixture-api',
    paths: ['src/fixture-api'],
    holds: 'a local REST API that misbehaves on purpose, for HTTP sources',
    may: ['generate', 'errors', 'time'],
  },
  {
    name: 'schedule',
    paths: ['src/schedule'],
    holds: 'when schedules fire, the load dates they expect, missing dates, the clock — pure',
    may: ['config', 'errors', 'time'],
  },
  {
    name: 'api',
    paths: ['src/api'],
    holds: 'functions returning data and exit codes (`run`, `status`, `query`, ...)',
    may: [
      'runner',
      'infer',
      'alerts',
      'sources',
      'project',
      'contracts',
      'checks',
      'audit',
      'materialize',
      'models',
      'engine',
      'engine/open',
      'config',
      'generate',
      'fixture-api',
      'dashboards',
      'errors',
      'time',
      'version.ts',
      { name: 'engine/duckdb', only: ['file-profile.ts'] },
      'schedule',
      'lineage',
      'docs',
    ],
  },
  {
    name: 'index.ts',
    paths: ['src/index.ts'],
    holds: "the package's public API",
    may: [
      'api',
      'docs',
      'lineage',
      'runner',
      'project',
      'checks',
      'contracts',
      'audit',
      'models',
      'engine',
      'engine/open',
      'config',
      'generate',
      'fixture-api',
      'errors',
      'time',
      'version.ts',
    ],
  },
  {
    name: 'serve',
    paths: ['src/serve'],
    holds: '`strata serve`: the HTTP app (hono), thin handlers over `api/`, one error handler',
    may: ['api', 'dashboards', 'docs', 'errors', 'time', 'version.ts'],
  },
  {
    name: 'cli',
    paths: ['src/cli'],
    holds: 'commander program, formatters, progress reporters; the only `process.exit`',
    may: ['index.ts', 'api', 'serve', 'errors'],
  },
  {
    name: 'web',
    paths: ['src/web'],
    holds:
      "the browser code of `strata serve`'s dashboards and monitor, and of the docs site (`docs/`; bundled into dist/web/ by scripts/build.mjs)",
    may: [
      {
        name: 'dashboards',
        only: ['types.ts', 'views.ts', 'monitor-runs-views.ts', 'monitor-quality-views.ts'],
      },
      { name: 'docs', only: ['types.ts'] },
      { name: 'lineage', only: ['types.ts'] },
    ],
  },
];

/** The glob of a layer's files: a folder's whole tree, or the named files. */
function globsOf(layer) {
  return layer.paths.map((path) => (/\.ts$|\*/.test(path) ? path : `${path}/**`));
}

/** One zone per (layer, layer it may not import): ESLint reports the import and names the rule. */
export function layerZones(layers) {
  const zones = [];
  for (const layer of layers) {
    const allowed = new Map(
      layer.may.map((entry) => (typeof entry === 'string' ? [entry, undefined] : [entry.name, entry.only])),
    );
    for (const other of layers) {
      if (other === layer) continue;
      const only = allowed.get(other.name);
      if (allowed.has(other.name) && only === undefined) continue;
      const target = globsOf(layer);
      const message = allowed.has(other.name)
        ? `${layer.name}/ may use only ${only.join(', ')} of ${other.name}/ (layers.js).`
        : `${layer.name}/ may not import ${other.name}/: it may import ${[...allowed.keys()].join(', ') || 'nothing'} (layers.js).`;
      for (const from of globsOf(other)) {
        zones.push({
          target,
          from,
          ...(only ? { except: only.map((file) => `**/${other.paths[0]}/${file}`) } : {}),
          message,
        });
      }
    }
  }
  return zones;
}
