import { ensureAuditSchema } from '../audit/recorder.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export interface QuarantinedRecord {
  source: string;
  loadDate: string;
  file: string;
  /** 1-based record number in the file. */
  position: number | null;
  /** The file line, for a CSV line that could not be parsed. */
  line: number | null;
  field: string;
  reason: string;
  message: string;
  rawRecord: string | null;
  foundInRun: string;
  /** The run in which the record stopped failing (a fixed contract or file); null while quarantined. */
  resolvedInRun: string | null;
}

export interface QuarantineRequest extends ProjectOptions {
  source?: string;
  /** Only what this run found. */
  run?: string;
  /** Include records that no longer fail. */
  includeResolved?: boolean;
  limit?: number;
}

/**
 * Quarantined records with the reason for each, newest load dates first. A record stays in
 * audit.bad_records for good; once a fixed contract (or a corrected file) lets it through on a
 * later run — `strata run --from D --to D --select <source>+` replays dates from the raw layer —
 * it is marked resolved by that run.
 */
export async function listQuarantine(request: QuarantineRequest): Promise<QuarantinedRecord[]> {
  return withProject(request, async (_project, engine) => {
    await ensureAuditSchema(engine);
    const text = engine.dialect.type('text');
    const { rows } = await engine.query(
      `SELECT source, CAST(load_date AS ${text}) AS load_date, source_file, record_position, source_line, field,
              reason_code, message, raw_record, run_id, resolved_run_id
       FROM audit.bad_records
       WHERE ($1::${text} IS NULL OR source = $1::${text})
         AND ($2::${text} IS NULL OR run_id = $2::${text})
         AND ($3 OR resolved_run_id IS NULL)
       ORDER BY load_date DESC, source, source_file, record_position, source_line, field
       LIMIT $4`,
      [request.source ?? null, request.run ?? null, request.includeResolved ?? false, request.limit ?? 100],
    );
    return rows.map((r) => ({
      source: String(r.source),
      loadDate: String(r.load_date),
      file: String(r.source_file),
      position: r.record_position === null ? null : Number(r.record_position),
      line: r.source_line === null ? null : Number(r.source_line),
      field: String(r.field),
      reason: String(r.reason_code),
      message: String(r.message),
      rawRecord: r.raw_record === null ? null : String(r.raw_record),
      foundInRun: String(r.run_id),
      resolvedInRun: r.resolved_run_id === null ? null : String(r.resolved_run_id),
    }));
  });
}
