import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  DEMO_DEFAULTS,
  DEMO_PACKS,
  type DemoMetric,
  type DemoResult,
  type DemoStep,
  StrataError,
  demoPacks,
} from '../../index.ts';
import { type CliContext, type LogFormat, globalOptions } from '../context.ts';
import { type CliIo, writeChunk } from '../io.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../serve/defaults.ts';
import { clockTime, formatCount, formatDuration, formatWindow } from '../output/format.ts';
import { toJson, toJsonLine } from '../output/json.ts';
import { checkCounts, formatCheckResults } from '../output/check-results.ts';
import { formatRunSummary } from '../output/run-summary.ts';
import { shellQuote } from '../output/shell.ts';
import { renderTable } from '../output/table.ts';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, textOrJsonFormat } from '../options.ts';
import { generateProgress } from './generate.ts';
import { shownPath } from './init.ts';
import { summaryJson, withRunReporter } from './run.ts';

interface DemoCliOptions {
  dir?: string;
  pack: string;
  start: string;
  days: number;
  scale: number;
  seed: number;
  defects: number;
  format: 'text' | 'json';
  serve: boolean;
  port: number;
  productsApi?: boolean;
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('Generate data, build it into a warehouse and show what came out: the first command to try.')
    .option('--dir <dir>', `the demo project folder (default: ./${DEMO_DEFAULTS.dir})`)
    .addOption(
      new Option('--pack <pack>', 'which business to simulate; all: each in its own project')
        .choices([...DEMO_PACKS.map((p) => p.name), 'all'])
        .default(DEMO_DEFAULTS.pack),
    )
    .option('--start <date>', 'first day of data, YYYY-MM-DD', DEMO_DEFAULTS.start)
    .option('--days <n>', 'number of days of data', positiveInteger, DEMO_DEFAULTS.days)
    .option('--scale <x>', 'data volume (1 ≈ 1M orders a year)', nonNegativeNumber, DEMO_DEFAULTS.scale)
    .option('--seed <n>', 'the same arguments give the same data', nonNegativeInteger, DEMO_DEFAULTS.seed)
    .option(
      '--defects <rate>',
      'share of damaged records (0 = clean)',
      nonNegativeNumber,
      DEMO_DEFAULTS.defects,
    )
    .option(
      '--products-api',
      'e-commerce: load the products from the bundled product API (its generated catalogue, failing some requests on purpose) instead of the files',
    )
    .option('--no-serve', 'only build and print, even on a terminal')
    .option('--port <n>', 'the port of the dashboards served at the end', nonNegativeInteger, DEFAULT_PORT)
    .addOption(textOrJsonFormat())
    .addHelpText(
      'after',
      `
Creates a project per pack in the folder (strata-demo/ecommerce, strata-demo/saas; or reuses the
ones an earlier demo made), generates their raw data (reused when the arguments are the same),
runs the pipeline over those dates and prints what was built with the headline numbers.
With --products-api the e-commerce products come from the bundled fixture product API, started
on a free 127.0.0.1 port for the run, instead of the product files.
Progress goes to stderr, the summary to stdout. Exit code 0 only when every task succeeded.
On a terminal it then serves the projects' dashboards (as strata serve) until Ctrl-C.`,
    )
    .action(async (options: DemoCliOptions, command: Command) => {
      ctx.exitCode = await runDemo(options, command, ctx);
    });
}

async function runDemo(
  options: DemoCliOptions,
  command: Command,
  { io, runCommand }: CliContext,
): Promise<number> {
  const { logFormat } = globalOptions(command, io);
  const dir = demoDir(options, command, io);
  const results = await withRunReporter(io, logFormat, (onEvent) =>
    demoPacks({
      dir,
      pack: options.pack,
      start: options.start,
      days: options.days,
      scale: options.scale,
      seed: options.seed,
      defects: options.defects,
      productsApi: options.productsApi === true,
      env: io.env,
      onStep: stepWriter(io, logFormat),
      onGenerateProgress: generateProgress(io, logFormat),
      onEvent,
      ...(io.stop ? { signal: io.stop } : {}),
    }),
  );
  const text = results
    .map((result) => {
      const pack = DEMO_PACKS.find((p) => p.name === result.pack);
      const title = `${pack?.title ?? result.pack} (${result.pack})`;
      return `━━ ${title} ${'━'.repeat(Math.max(3, 72 - title.length))}\n\n${demoText(result, shownPath(io.cwd, result.projectDir), io.command)}`;
    })
    .join('\n');
  await writeChunk(io.stdout, options.format === 'json' ? toJson({ packs: results.map(demoJson) }) : text);
  const exitCode = Math.max(0, ...results.map((r) => r.exitCode));
  const dirs = results.map((r) => r.projectDir);
  if (options.format === 'text' && options.serve && io.stdout.isTTY) {
    await writeChunk(io.stdout, '\n');
    const { serveUntilStopped } = await import('../serve-dashboards.ts');
    await serveUntilStopped(
      dirs,
      { port: options.port, host: DEFAULT_HOST, fallBackToFreePort: true, runCommand },
      io,
    );
  } else if (options.format === 'text') {
    const projects = dirs.map((d) => shellQuote(shownPath(io.cwd, d)));
    await writeChunk(io.stdout, `\nDashboards: ${io.command} serve --project ${projects.join(' ')}\n`);
  }
  return exitCode;
}

/** --dir, else a --project given explicitly, else ./strata-demo. */
function demoDir(options: DemoCliOptions, command: Command, io: CliIo): string {
  const project = command.optsWithGlobals<{ project?: string }>().project;
  if (
    options.dir !== undefined &&
    project !== undefined &&
    resolve(io.cwd, options.dir) !== resolve(io.cwd, project)
  ) {
    throw new StrataError('USAGE', '--dir and --project name different folders', {
      hint: 'The demo builds its projects in one folder: pass only --dir DIR.',
    });
  }
  return resolve(io.cwd, options.dir ?? project ?? DEMO_DEFAULTS.dir);
}

function stepWriter(io: CliIo, logFormat: LogFormat): (step: DemoStep) => void {
  return (step) =>
    io.stderr.write(
      logFormat === 'json'
        ? toJsonLine({ type: 'demo_step', ...step })
        : `${clockTime(new Date())} ● ${step.message}\n`,
    );
}

function demoJson(result: DemoResult): unknown {
  return { ...result, run: summaryJson(result.run) };
}

function demoText(result: DemoResult, shown: string, strata: string): string {
  const project = ` --project ${shellQuote(shown)}`;
  const g = result.generation;
  const run = result.run;
  const count = (status: string) => run.tasks.filter((t) => t.status === status).length;
  let out = '';

  if (run.status !== 'success') out += `${formatRunSummary(run, { projectArg: project, command: strata })}\n`;

  out += `Project    ${shown} (${result.project.created ? `created from the "${result.project.template}" template` : 'reused from an earlier demo'})\n`;
  out += `Warehouse  ${result.project.warehouse}${result.project.warehouseReset ? ' (rebuilt: the data changed)' : ''}\n`;
  out += `Data       ${formatCount(g.files)} files, ${formatCount(g.rows)} records, ${formatCount(g.defects)} defects injected `;
  out += g.reused
    ? '(reused: generated earlier with the same arguments)\n'
    : `(generated in ${formatDuration(g.durationMs)}${g.replaced ? ', replacing earlier data' : ''})\n`;
  const api = result.productsApi;
  if (api) {
    const faulted = Object.values(api.faulted).reduce((a, b) => a + b, 0);
    out += `Products   from the product API at ${api.url} (the bundled fixture, stopped after the run): `;
    out += `${formatCount(api.products)} products, ${formatCount(api.requests)} requests, `;
    out += `${formatCount(faulted)} failed on purpose (${api.faults}) and retried\n`;
  }
  out += `Run        ${run.runId} ${run.status} in ${formatDuration(run.durationMs)}: `;
  out += `${count('success')} succeeded, ${count('failed')} failed, ${count('skipped')} skipped `;
  out += `(window ${formatWindow(result.window.from, result.window.to)})\n`;

  out += '\nTables\n';
  out += renderTable(
    [
      { header: 'LAYER' },
      { header: 'TABLE' },
      { header: 'MATERIALIZATION' },
      { header: 'ROWS', align: 'right' },
    ],
    result.layers.flatMap((layer) =>
      layer.tables.map((t) => [
        layer.schema,
        t.name,
        t.materialization,
        t.built === 'missing' ? 'not built' : t.built === 'view' ? 'view' : formatCount(t.rows),
      ]),
    ),
  );

  if (result.sources.length > 0) {
    out += '\nSources (records received = staged + quarantined + duplicates)\n';
    out += renderTable(
      [
        { header: 'SOURCE' },
        { header: 'FILES', align: 'right' },
        { header: 'RECEIVED', align: 'right' },
        { header: 'STAGED', align: 'right' },
        { header: 'QUARANTINED', align: 'right' },
        { header: 'DUPLICATES', align: 'right' },
        { header: 'RECONCILED' },
      ],
      result.sources.map((s) => [
        s.source,
        formatCount(s.files),
        formatCount(s.received),
        formatCount(s.staged),
        formatCount(s.quarantined),
        formatCount(s.duplicates),
        s.reconciled ? 'yes' : 'NO',
      ]),
    );
  }

  if (run.checks.length > 0) {
    out += `\nQuality gates: ${checkCounts(run.checks)}\n`;
    const notPassed = run.checks.filter((c) => c.status !== 'pass');
    if (notPassed.length > 0) out += formatCheckResults(notPassed, { samples: false });
    if (notPassed.length > 0 && notPassed.every((c) => c.status === 'warn') && g.defects > 0) {
      out += `\nThe warnings come from the ${formatCount(g.defects)} defects the demo injected on purpose:\n`;
      out += `\`${strata} quarantine\` lists the records staging rejected; \`--defects 0\` generates clean data.\n`;
    }
  }

  out += `\nHeadline (${formatWindow(result.window.from, result.window.to)})\n`;
  const width = Math.max(...result.headline.metrics.map((m) => m.label.length));
  for (const metric of result.headline.metrics) {
    out += `  ${metric.label.padEnd(width)}  ${metricText(metric)}\n`;
  }
  if (result.headline.missingMarts.length > 0) {
    out += `\nNot built yet: ${result.headline.missingMarts.join(', ')} — the pack's marts`;
    out += ` are missing or failed, so their numbers are left out.\n`;
  }

  out += '\nLook around:\n';
  const example = DEMO_PACKS.find((p) => p.name === result.pack)?.exampleQuery;
  if (example) out += `  ${strata} query "${example}"${project}\n`;
  out += `  ${strata} runs --run ${run.runId}${project}\n`;
  out += `  ${strata} check${project}\n`;
  out += `  ${strata} quarantine${project}\n`;
  return out;
}

function metricText(metric: DemoMetric): string {
  if (metric.unavailable !== undefined) return `– (${metric.unavailable})`;
  const value =
    metric.value === null
      ? '–'
      : metric.kind === 'money'
        ? money(Number(metric.value))
        : metric.kind === 'count'
          ? formatCount(Number(metric.value))
          : metric.kind === 'percent'
            ? `${(Number(metric.value) * 100).toFixed(1)}%`
            : String(metric.value);
  return metric.amount === undefined || metric.amount === null
    ? value
    : `${value} (${metric.amountLabel ?? 'amount'} ${money(metric.amount)})`;
}

function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
