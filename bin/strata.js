#!/usr/bin/env node
// The `strata` executable: the CLI compiled into dist/ by `npm run build` (which `npm install` runs
// in a clone of the repository, and `npm test` before testing). No TypeScript compiler starts here.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/cli.js')) {
    process.stderr.write(
      'strata is not built: run `npm run build` in its folder (dist/cli.js is missing).\n',
    );
    process.exit(1);
  }
  throw error;
}
