import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/run-cli.ts';

/**
 * Runs the CLI inside the test process, capturing what it writes (no spawn, no TTY, CI mode). `env`
 * adds to the CLI's environment (e.g. a project's STRATA_DATABASE_URL).
 */
export async function cli(
  argv: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk) => ((stdout += chunk), true) },
    stderr: { write: (chunk) => ((stderr += chunk), true) },
    env: { ...options.env, CI: 'true' },
    cwd: options.cwd ?? process.cwd(),
    command: 'strata',
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
