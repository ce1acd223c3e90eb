/**
 * The worker-thread side of a partition: runs `runPartition` on workerData and posts progress,
 * then the result or the error. Started through worker-bootstrap.mjs, which registers tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../errors/strata-error.ts';
import { runPartition, type PartitionInput } from './partition.ts';

export type WorkerMessage =
  | { type: 'progress'; date: string; rows: number }
  | { type: 'done'; result: Awaited<ReturnType<typeof runPartition>> }
  | { type: 'error'; error: ReturnType<typeof serializeError> };

export async function workerMain(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  try {
    const result = await runPartition(workerData as PartitionInput, (p) =>
      port.postMessage({ type: 'progress', ...p } satisfies WorkerMessage),
    );
    port.postMessage({ type: 'done', result } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', error: serializeError(error) } satisfies WorkerMessage);
  }
}
