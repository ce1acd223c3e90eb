#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ into dist/, the JavaScript that bin/strata.js and the package's
 * `exports` run (no TypeScript compiler in a user's process; tsx is loaded only to import a
 * project's strata.config.ts).
 *
 * - esbuild bundles the entry points (the CLI, the library, the config helpers a project imports
 *   from 'strata', the generator's worker thread) with code splitting and every package external:
 *   a module is evaluated when an entry needs it, and the adapters (`@duckdb/node-api`, `pg`) stay
 *   behind `createEngine`'s dynamic imports, loaded by the commands that open a warehouse.
 * - Modules that find files beside themselves (`new URL('../templates/', import.meta.url)`) are
 *   given their place in dist/ as it mirrors src/ (src/api/init.ts → dist/api/init.js), so those
 *   paths resolve as they do in the sources; every output that holds such a module sits directly
 *   in dist/ (checked below). The assets they find are copied: src/templates/**,
 *   src/config/resolve-strata.hooks.js.
 * - The browser code of `strata serve` (src/web/main.ts) is bundled on its own, for the browser, into
 *   dist/web/app.js beside a copy of src/web/app.css; the docs site's (src/web/docs/main.ts) into
 *   dist/web/docs.js beside a copy of src/web/docs/docs.css.
 * - `tsc -p tsconfig.build.json` writes the declarations to dist/types/ (with `--js-only`, skipped:
 *   `npm test` and `npm run bench` rebuild the JavaScript alone, in about a second).
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const TYPES = join(DIST, 'types');
const jsOnly = process.argv.includes('--js-only');

const started = performance.now();

// Everything but the declarations is rebuilt from scratch: chunk names change with their content.
for (const entry of existsSync(DIST) ? readdirSync(DIST) : []) {
  if (join(DIST, entry) !== TYPES) rmSync(join(DIST, entry), { recursive: true, force: true });
}

/** Source files whose `import.meta.url` now names their place in dist/ (see above). */
const placed = new Set();
const WORKER_ENTRY = 'strata:generate-worker';

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [
    { in: 'src/cli/main.ts', out: 'cli' },
    { in: 'src/index.ts', out: 'index' },
    // What a project's strata.config.ts imports as 'strata' when strata is not in its node_modules.
    { in: 'src/config/public.ts', out: 'config/public' },
    // The generator's worker thread (src/generate/worker-entry.ts starts it).
    { in: WORKER_ENTRY, out: 'generate/partition-worker' },
  ],
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'strata',
      setup(b) {
        b.onResolve({ filter: /^strata:generate-worker$/ }, () => ({
          path: WORKER_ENTRY,
          namespace: 'strata',
        }));
        b.onLoad({ filter: /.*/, namespace: 'strata' }, () => ({
          contents: "import { workerMain } from './partition-worker.ts';\nawait workerMain();\n",
          resolveDir: join(SRC, 'generate'),
          loader: 'ts',
        }));
        b.onLoad({ filter: /\.m?ts$/ }, (args) => {
          if (!args.path.startsWith(SRC + sep)) return undefined;
          const text = readFileSync(args.path, 'utf8');
          if (!text.includes('import.meta.url')) return undefined;
          placed.add(relative(ROOT, args.path));
          const place = `./${relative(SRC, args.path).split(sep).join('/')}`.replace(/\.m?ts$/, '.js');
          return {
            contents: text.replaceAll(
              'import.meta.url',
              `new URL(${JSON.stringify(place)}, import.meta.url).href`,
            ),
            loader: 'ts',
          };
        });
      },
    },
  ],
});

for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
  const here = Object.keys(inputs).filter((input) => placed.has(input));
  if (here.length > 0 && dirname(join(ROOT, output)) !== DIST) {
    throw new Error(
      `${output} holds ${here.join(', ')}, which find files from dist/ itself: it must sit in dist/`,
    );
  }
}

/** One browser script (its stylesheet copied beside it): an IIFE, minified, for `strata serve`'s pages. */
async function bundleForBrowser(entry, script, stylesheet) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: join(DIST, 'web', script),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  cpSync(join(ROOT, stylesheet), join(DIST, 'web', basename(stylesheet)));
  return Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
}

// The dashboards' browser code (src/web/): one script, ECharts included, and its stylesheet, which
// `strata serve` answers at /assets/app.js and /assets/app.css (nothing comes from a CDN).
const webBytes = await bundleForBrowser('src/web/main.ts', 'app.js', 'src/web/app.css');

// The documentation site's script and stylesheet (src/web/docs/), which `strata docs` copies into
// the site's assets/ (src/docs/layout.ts `DOCS_ASSETS` names them) and `strata serve` answers
// under /docs/<project>/assets/.
const docsBytes = await bundleForBrowser('src/web/docs/main.ts', 'docs.js', 'src/web/docs/docs.css');

cpSync(join(SRC, 'templates'), join(DIST, 'templates'), { recursive: true });
mkdirSync(join(DIST, 'config'), { recursive: true });
cpSync(join(SRC, 'config', 'resolve-strata.hooks.js'), join(DIST, 'config', 'resolve-strata.hooks.js'));
log(
  `dist/: JavaScript in ${Math.round(performance.now() - started)} ms (dist/web/app.js: ${Math.round(webBytes / 1024)} KiB, docs.js: ${Math.round(docsBytes / 1024)} KiB)`,
);

if (!jsOnly) {
  const typesStarted = performance.now();
  rmSync(TYPES, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  // tsc keeps the sources' `./x.ts` specifiers in declarations; a consumer resolves `./x.js` to x.d.ts.
  for (const file of walk(TYPES)) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(['"])(\.{1,2}\/[^'"]*)\.(m?)ts\1/g, '$1$2.$3js$1');
    if (fixed !== text) writeFileSync(file, fixed);
  }
  log(`dist/types/: declarations in ${Math.round(performance.now() - typesStarted)} ms`);
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (path.endsWith('.d.ts') || path.endsWith('.d.mts')) yield path;
  }
}

function log(message) {
  process.stderr.write(`build: ${message}\n`);
}
