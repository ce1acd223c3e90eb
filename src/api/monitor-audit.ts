import { ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';
import type { DashboardSite, ServedProject } from './dashboard-site.ts';

/** Warehouses whose audit schema this process has made sure of. */
const ensured = new WeakSet<Engine>();

/**
 * Makes sure of a long-held warehouse's audit schema once per process: what is polled (the
 * monitor, /healthz) reads without writing after the first time.
 */
export async function auditReady(engine: Engine): Promise<void> {
  if (ensured.has(engine)) return;
  await ensureAuditSchema(engine);
  ensured.add(engine);
}

/**
 * A served project's warehouse, its audit schema present (a project never run has none yet):
 * what the monitor's views read through audit/'s functions.
 */
export async function monitorEngine(site: DashboardSite, slug: string): Promise<ServedProject> {
  const served = site.project(slug);
  await auditReady(served.engine);
  return served;
}
