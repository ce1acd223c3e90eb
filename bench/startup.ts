/**
 * Start-up of the `strata` executable as a user meets it: the wall time of whole processes —
 * `node bin/strata.js --help` and `node bin/strata.js status` on a project the bench has built —
 * against a bare `node -e 0` measured in the same run, the commands taking turns.
 */
import { fileURLToPath } from 'node:url';
import { measureProcess } from './measure.ts';
import { type StartupResult, timeRatio } from './report.ts';
import { summarize } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/strata.js', import.meta.url));
/** Measured runs of every command (one more, first, is not counted). */
export const STARTUP_RUNS = 10;
const TIMEOUT_MS = 2 * 60 * 1000;
const BASELINE = 'node -e 0';

interface Command {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  note?: string;
}

/** `project`: a built project and the environment that selects its warehouse; status is skipped without one. */
export async function measureStartup(
  project: { dir: string; env: NodeJS.ProcessEnv; label: string } | undefined,
): Promise<StartupResult> {
  const env = { ...process.env };
  delete env.STRATA_DATABASE_URL;
  delete env.NODE_OPTIONS;
  const commands: Command[] = [
    { name: BASELINE, args: ['-e', '0'], env, note: 'the yardstick: Node starting and exiting' },
    { name: 'strata --help', args: [BIN, '--help'], env, note: 'node bin/strata.js --help' },
  ];
  const problems: string[] = [];
  if (project) {
    const projectEnv = { ...project.env };
    delete projectEnv.NODE_OPTIONS;
    commands.push({
      name: 'strata status',
      args: [BIN, 'status', '--project', project.dir],
      env: projectEnv,
      note: `node bin/strata.js status on the built ${project.label} project (its config loaded, its warehouse opened)`,
    });
  }
  const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  const failed = new Set<string>();
  const loads: number[] = [];
  for (let round = 0; round <= STARTUP_RUNS; round++) {
    // Rotated round by round, so that no command always follows the same one.
    const order = commands.slice(round % commands.length).concat(commands.slice(0, round % commands.length));
    for (const command of order) {
      if (failed.has(command.name)) continue;
      const measured = await measureProcess({
        command: process.execPath,
        args: command.args,
        env: command.env,
        timeoutMs: TIMEOUT_MS,
      });
      loads.push(measured.load1);
      const { code, signal, stderr } = measured.result;
      if (code !== 0) {
        failed.add(command.name);
        problems.push(
          `${command.name} ended with code ${String(code)}${signal ? ` (${signal})` : ''}: ${stderr.trim().split('\n', 1)[0] ?? ''}`,
        );
        continue;
      }
      if (round > 0) samples.get(command.name)?.push(measured.processMs);
    }
  }
  const baseline = failed.has(BASELINE) ? undefined : summarize(samples.get(BASELINE) ?? []);
  return {
    runs: STARTUP_RUNS,
    figures: commands
      .filter((c) => !failed.has(c.name))
      .map((c) => {
        const ms = summarize(samples.get(c.name) ?? []);
        return {
          command: c.name,
          ms,
          ratio: baseline && c.name !== BASELINE ? timeRatio(ms, baseline, BASELINE) : undefined,
          note: c.note,
        };
      }),
    problems,
    load1: { min: Math.min(...loads), max: Math.max(...loads) },
    note: project ? undefined : 'strata status not measured: no project was built on DuckDB in this run.',
  };
}
