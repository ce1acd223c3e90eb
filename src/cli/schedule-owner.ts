import { realpath } from 'node:fs/promises';
import type { Scheduler } from '../index.ts';
import type { OwnerRoutesOptions } from '../serve/owner-routes.ts';

/** Commands carried out for other shells that write the warehouse under the run lock. */
const WRITING_COMMANDS = new Set(['run', 'backfill', 'check']);

/**
 * The owner endpoint's commands that write a scheduled warehouse take their turn in its
 * scheduler's queue: a `strata run` typed in another shell waits for the scheduled run going on
 * (and the next scheduled run waits for it), instead of failing on the run lock.
 */
export function queuedBehindSchedules(
  routes: OwnerRoutesOptions | undefined,
  schedulers: readonly Scheduler[],
): OwnerRoutesOptions | undefined {
  if (!routes || schedulers.length === 0) return routes;
  const roots = Promise.all(
    schedulers.map(async (s) => ({ root: await realpath(s.project.root).catch(() => s.project.root), s })),
  );
  return {
    ...routes,
    execute: async (request, sink, signal) => {
      if (!WRITING_COMMANDS.has(request.command)) return routes.execute(request, sink, signal);
      const project = await realpath(request.project).catch(() => request.project);
      const scheduler = (await roots).find((r) => r.root === project)?.s;
      if (!scheduler) return routes.execute(request, sink, signal);
      return scheduler.loop.exclusive(() => routes.execute(request, sink, signal));
    },
  };
}
