import { ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';
import type { DashboardSite, ServedProject } from './dashboard-site.ts';

/** Warehouses whose audit schema this process has made sure of. */
const ensured = new WeakSet<Engine>();

/**
 * A served project's warehouse, its audit schema present (a project never run has none yet):
 * what the monitor's views read through audit/'s functions.
 */
export async function monitorEngine(site: DashboardSite, slug: string): Promise<ServedProject> {
  const served = site.project(slug);
  if (!ensured.has(served.engine)) {
    await ensureAuditSchema(served.engine);
    ensured.add(served.engine);
  }
  return served;
}
