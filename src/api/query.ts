import type { RowBatch } from '../engine/types.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

/**
 * Runs SQL against the warehouse and hands its rows to `consume` batch by batch, so a large
 * result streams to its destination without being held in memory.
 */
export async function query(
  options: ProjectOptions & { sql: string },
  consume: (batch: RowBatch) => void | Promise<void>,
): Promise<{ rows: number }> {
  return withProject(options, async (_project, engine) => {
    let rows = 0;
    for await (const batch of engine.stream(options.sql)) {
      rows += batch.rows.length;
      await consume(batch);
    }
    return { rows };
  });
}
