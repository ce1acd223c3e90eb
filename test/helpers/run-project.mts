/**
 * Runs a project's pipeline in its own process, so tests can kill a run part-way through.
 * Usage: npx tsx run-project.mts DIR [--full-refresh]
 * Prints "started RUN_ID PID" when the run starts and "building TASK" as each task starts.
 */
import { run } from '../../src/api/run.ts';

const [projectDir, flag] = process.argv.slice(2);
if (!projectDir) throw new Error('usage: run-project.mts DIR [--full-refresh]');

const { exitCode } = await run({
  projectDir,
  fullRefresh: flag === '--full-refresh',
  onEvent: (event) => {
    if (event.type === 'run_started') process.stdout.write(`started ${event.runId} ${process.pid}\n`);
    if (event.type === 'task_started') process.stdout.write(`building ${event.task}\n`);
  },
});
process.exitCode = exitCode;
