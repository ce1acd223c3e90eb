#!/usr/bin/env node
// The `strata` executable: TypeScript sources run through tsx, without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
