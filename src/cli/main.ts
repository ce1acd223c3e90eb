// The process entry point of `strata` (see bin/strata.js). The only module that exits the process.
import { EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.ts';
import { processIo } from './io.ts';
import { buildProgram } from './program.ts';
import { toJsonLine } from './output/json.ts';
import { commandName, runCli, wantsJson } from './run-cli.ts';

/**
 * Commands that stop gracefully on the first SIGINT or SIGTERM: `io.stop` is aborted and the
 * command winds down (a run cancels its current tasks and records itself interrupted; serve and
 * schedule stop serving), then exits with its own code. What each says on stderr meanwhile.
 */
const GRACEFUL: ReadonlyMap<string, string> = new Map([
  ['run', 'interrupting: the current tasks are cancelled and the run recorded as interrupted'],
  ['backfill', "interrupting: the current chunk's run is cancelled and the backfill recorded as interrupted"],
  ['demo', 'interrupting: the current tasks are cancelled and the run recorded as interrupted'],
  ['serve', 'stopping'],
  ['fixture-api', 'stopping'],
  ['schedule', 'stopping: the current run is finished or cancelled safely'],
  ['export', 'interrupting: the export stops and its partial file is removed'],
]);
/** 128 + SIGTERM's number, as a shell reports a process ended by it. */
const EXIT_TERMINATED = 143;

// `strata query ... | head`: a reader that goes away early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_OK);
  throw error;
});

const argv = process.argv.slice(2);
const stop = new AbortController();
const io = processIo(stop.signal);
const graceful = GRACEFUL.get(commandName(buildProgram({ io, exitCode: 0 }), argv) ?? '');

// Other commands (query, status, ...) end at once. A graceful one is asked to stop by the first
// signal; a second SIGINT ends it at once (a second SIGTERM changes nothing: it is stopping).
const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
  if (graceful === undefined || (stop.signal.aborted && signal === 'SIGINT')) {
    process.stderr.write('\ninterrupted\n');
    process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED);
  }
  if (stop.signal.aborted) return;
  const message = `${graceful} (${signal}; press Ctrl-C again to quit at once)`;
  // With --log-format json, stderr stays NDJSON.
  process.stderr.write(
    wantsJson(argv) ? toJsonLine({ type: 'stopping', signal, message }) : `\n${message}\n`,
  );
  stop.abort(signal);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

const code = await runCli(argv, io);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

/** Resolves once everything written so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
