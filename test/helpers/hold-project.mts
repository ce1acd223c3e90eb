/**
 * Opens a project's warehouse in its own process and holds it, so tests can see what another
 * process holding the warehouse does to a run. Usage: npx tsx hold-project.mts DIR MILLISECONDS
 * Prints "holding PID" once the warehouse is open, and exits after MILLISECONDS.
 */
import { withProject } from '../../src/api/open-project.ts';

const [projectDir, holdMs] = process.argv.slice(2);
if (!projectDir) throw new Error('usage: hold-project.mts DIR [MILLISECONDS]');

await withProject({ projectDir }, async (_project, engine) => {
  await engine.query('SELECT 1 AS ok');
  process.stdout.write(`holding ${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs ?? 5000)));
});
