import {
  type QuarantineFilter,
  type QuarantinedRecord,
  QUARANTINE_PAGE,
  countBadRecords,
  listBadRecords,
} from '../audit/bad-records.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export type { QuarantinedRecord };

export interface QuarantineRequest extends ProjectOptions, QuarantineFilter {}

/** The records shown (at most the limit) and how many the filter matches in all. */
export interface QuarantinePage {
  records: QuarantinedRecord[];
  total: number;
}

/**
 * Quarantined records with the reason for each, newest load dates first. A record stays in the
 * quarantine (audit.bad_records) for good; once a fixed contract (or a corrected file) lets it
 * through on a later run — `strata run --from D --to D --select <source>+` replays dates from the
 * raw layer — it is marked resolved by that run.
 */
export async function listQuarantine(request: QuarantineRequest): Promise<QuarantinePage> {
  return withProject(request, async (_project, engine) => {
    await ensureAuditSchema(engine);
    const records = await listBadRecords(engine, request);
    // A page that is not full holds every match; only a full one needs counting.
    const full = records.length === (request.limit ?? QUARANTINE_PAGE);
    return { records, total: full ? await countBadRecords(engine, request) : records.length };
  });
}
