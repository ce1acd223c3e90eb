// The programmatic API of strata. The CLI is a thin layer over exactly these functions.
export { defineConfig } from './config/define-config.ts';
export type { StrataConfig, StrataConfigInput } from './config/schema.ts';
export { run, runWindow, type RunRequest, type RunResponse } from './api/run.ts';
export { check, type CheckRequest, type CheckResponse } from './api/check.ts';
export {
  backfill,
  type Backfill,
  type BackfillChunk,
  type BackfillEvent,
  type BackfillRequest,
  type BackfillResponse,
} from './api/backfill.ts';
export {
  listRuns,
  getRun,
  type RunListEntry,
  type TaskAttempt,
  type RunDetail,
  type RecordedAlert,
} from './api/runs.ts';
export { status, type WarehouseStatus, type ModelStatus } from './api/status.ts';
export { query } from './api/query.ts';
export {
  exportData,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportRequest,
  type ExportDestination,
  type ExportSummary,
} from './api/export.ts';
export { writeDocs, type WriteDocsOptions, type DocsResult } from './api/docs.ts';
export type { DocsData } from './docs/types.ts';
export { modelColumnLineage, projectColumnLineage } from './api/column-lineage.ts';
export type { ColumnLineage, ColumnRef, ModelColumnLineage } from './lineage/types.ts';
export { grant, GRANT_PASSWORD_ENV, type GrantRequest, type GrantResult } from './api/grant.ts';
export {
  listQuarantine,
  type QuarantinedRecord,
  type QuarantinePage,
  type QuarantineRequest,
} from './api/quarantine.ts';
export { defineContract } from './config/contract-schema.ts';
export { defineSource, type SourceConfigInput } from './config/source-schema.ts';
export {
  infer,
  DEFAULT_SAMPLE_ROWS,
  type InferRequest,
  type InferResult,
  type InferredField,
} from './api/infer.ts';
export {
  generate,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateResult,
} from './generate/index.ts';
export {
  startFixtureApi,
  parseFaultSpec,
  type FixtureApi,
  type FixtureApiOptions,
} from './fixture-api/index.ts';
export { initProject, listTemplates, type InitResult } from './api/init.ts';
export {
  demo,
  demoPacks,
  DEMO_DEFAULTS,
  DEMO_PACKS,
  DEMO_SCALE,
  type DemoOptions,
  type DemoAllOptions,
  type DemoResult,
  type DemoStep,
  type DemoMetric,
} from './api/demo.ts';
export { withProject } from './api/open-project.ts';
export { loadProject, type Project } from './project/load-project.ts';
export { StrataError, StrataAggregateError, serializeError } from './errors/strata-error.ts';
export type { SerializedError, Location } from './errors/strata-error.ts';
export { STRATA_VERSION } from './version.ts';
export { diagnosticCodes, type DiagnosticCode } from './errors/codes.ts';
export type {
  Engine,
  Session,
  Dialect,
  Capabilities,
  RoleAdmin,
  RowBatch,
  ColumnInfo,
} from './engine/types.ts';
export type { RunEvent, RunWarning } from './runner/events.ts';
export type { RunSummary, TaskSummary } from './runner/run-pipeline.ts';
export type { CheckResult } from './checks/run-check.ts';
export { windowText } from './time/dates.ts';
export {
  explainSchedules,
  scheduleHealth,
  scheduleOnce,
  scheduleStates,
  withScheduler,
  createScheduler,
  clockFromEnv,
  createClock,
  ScheduleLoop,
  type Clock,
  type HealthReport,
  type QueueEntry,
  type ScheduleEvent,
  type Scheduler,
  type ScheduleState,
} from './api/schedule.ts';
