// `node --import ./record-modules.mjs ...` with STRATA_RECORD_MODULES=FILE: every module URL the
// process (and its worker threads) resolves is appended to FILE, one a line. test/cli/package.test.ts
// uses it to prove which packages a command loads.
import { register } from 'node:module';

if (process.env.STRATA_RECORD_MODULES) {
  register('./record-modules.hooks.mjs', import.meta.url, {
    data: { file: process.env.STRATA_RECORD_MODULES },
  });
}
