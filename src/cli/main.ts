// The process entry point of `strata` (see bin/strata.js). The only module that exits the process.
import { EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.ts';
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

// `strata query ... | head`: a reader that goes away early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_OK);
  throw error;
});

process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted\n');
  process.exit(EXIT_INTERRUPTED);
});

const code = await runCli(process.argv.slice(2), processIo());
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

/** Resolves once everything written so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
