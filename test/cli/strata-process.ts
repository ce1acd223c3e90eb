import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

/**
 * bin/strata.js runs dist/, not src/: a test of the executable must not test an older build.
 * `npm test` builds first (pretest); `npx vitest` alone does not, so this says so.
 */
function assertBuilt(): void {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const newer = readdirSync(src, { recursive: true, encoding: 'utf8' }).find((file) => {
    if (file.endsWith('.test.ts') || file.endsWith('.md')) return false;
    const stat = statSync(join(src, file));
    return stat.isFile() && stat.mtimeMs > built;
  });
  if (newer !== undefined) {
    throw new Error(
      `dist/ ${built ? `is older than src/${newer}` : 'is not built'}: run \`npm run build:js\` (npm test builds it first).`,
    );
  }
}
assertBuilt();

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/strata.js ...args` as a user would, in CI mode (plain progress, no colour). The
 * warehouse is the project's DuckDB file unless `env` names a STRATA_DATABASE_URL (testEnvironment).
 */
export function strata(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: {
        ...process.env,
        CI: 'true',
        NO_COLOR: '1',
        STRATA_DATABASE_URL: options.env?.STRATA_DATABASE_URL ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `strata-cli-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A readable failure message: the command's output, shown when an expectation does not hold. */
export function explain(result: Result): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
