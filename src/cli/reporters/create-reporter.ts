import type { LogFormat } from '../context.ts';
import type { CliIo } from '../io.ts';
import { JsonReporter } from './json-reporter.ts';
import { LiveReporter } from './live-reporter.ts';
import { PlainReporter } from './plain-reporter.ts';
import type { RunReporter } from './reporter.ts';
import { styleFor } from './style.ts';

/**
 * NDJSON with --log-format json; a live display on an interactive terminal; plain lines
 * everywhere else (pipes, files, CI, TERM=dumb). Progress always goes to stderr.
 */
export function createReporter(io: CliIo, logFormat: LogFormat): RunReporter {
  if (logFormat === 'json') return new JsonReporter(io.stderr);
  if (isInteractive(io)) {
    return new LiveReporter(io.stderr, styleFor(io.env, true));
  }
  return new PlainReporter(io.stderr);
}

export function isInteractive(io: CliIo): boolean {
  return Boolean(io.stderr.isTTY) && !isCi(io.env) && io.env.TERM !== 'dumb';
}

/** CI=true/1/anything but false/0, as set by GitHub Actions, GitLab and most others. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
