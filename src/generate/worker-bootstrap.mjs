// Entry point of a generate worker thread. strata runs its TypeScript through tsx without a build
// step, and loader hooks are not inherited by worker threads, so the worker registers tsx itself.
import { register } from 'tsx/esm/api';

register();
const { workerMain } = await import('./partition-worker.ts');
await workerMain();
