/**
 * The catalogue of diagnostics strata can raise. Every typed error carries one of these codes so
 * that scripts, tests and the docs can refer to a problem by name rather than by message text.
 */
export const diagnosticCodes = {
  // Project definition (reported together, never one per run)
  CONFIG_NOT_FOUND: 'No strata.config.ts in the project folder.',
  CONFIG_LOAD_FAILED: 'strata.config.ts could not be imported.',
  CONFIG_INVALID: 'A key in strata.config.ts has an invalid value.',
  HEADER_INVALID: "A model's metadata header is not valid YAML or has an invalid key.",
  HEADER_UNTERMINATED: "A model's metadata header is opened with /*--- but never closed with ---*/.",
  MODEL_NAME_INVALID: 'A model or seed file name is not a valid identifier.',
  MODEL_DUPLICATE: 'Two models or seeds share a name.',
  REF_UNKNOWN: 'A model refers to a model or seed that does not exist.',
  REF_CYCLE: 'Models refer to each other in a cycle.',
  TEMPLATE_UNKNOWN: 'A {{ ... }} expression in a model is not one strata knows.',
  MATERIALIZATION_REQUIREMENT:
    'A materialisation is missing a key it needs (unique_key, load_date_column, ...).',
  SELECTOR_UNKNOWN: 'A --select entry names no model, seed or source.',
  CHECK_INVALID: 'A check cannot be used as declared (unknown table or column, missing argument, duplicate).',
  PROJECT_INVALID: 'The project has definition problems; each is listed.',

  // Dashboards (a page's definition problems are reported with the project's)
  DASHBOARD_INVALID:
    'A dashboard page cannot be read: bad front matter, an unclosed query or tag, a bad attribute.',
  DASHBOARD_UNKNOWN_COMPONENT: 'A dashboard page uses a component tag strata does not know.',
  DASHBOARD_UNKNOWN_QUERY: "A component's data names no query of its page.",
  DASHBOARD_UNKNOWN_INPUT:
    'A query refers to {{ inputs.x }} and the page has no input x (or uses it the wrong way).',
  DASHBOARD_UNKNOWN_REF: "A page's SQL refers to a model or seed that does not exist.",
  DASHBOARD_UNKNOWN_COLUMN: "A component names a column that its query's result does not have.",
  DASHBOARD_NOT_FOUND: 'No project, page or query of that name is served.',
  DASHBOARD_BAD_INPUT:
    'A dashboard request has an invalid parameter (a date that is not YYYY-MM-DD, an unknown choice, a bad page size).',
  DASHBOARD_MODELS_MISSING: "A page's models are not built in the warehouse yet.",
  DASHBOARD_QUERY_FAILED: "A page's query failed in the engine.",
  SERVE_UNAUTHORIZED: 'A request to strata serve lacks the token STRATA_SERVE_TOKEN asks for.',
  SERVE_PORT_IN_USE: 'strata serve could not listen on the address and port asked for.',
  OWNER_BAD_REQUEST:
    'A request to the endpoint of the process that owns the warehouse is malformed, or names a command it does not carry out.',
  OWNER_REFUSED:
    'The process that owns the warehouse refused a command: not from this machine, or for a project it does not serve.',
  OWNER_LOST: 'The process that owns the warehouse stopped answering before the command finished.',

  // Engine
  ENGINE_UNAVAILABLE: 'The configured engine cannot be used here.',
  ENGINE_LOCKED: 'Another strata process holds the warehouse.',
  ENGINE_OPEN_FAILED: 'The warehouse could not be opened.',
  IDENTIFIER_INVALID: 'A name that would reach SQL is not a safe identifier.',
  SQL_FAILED: 'A SQL statement failed in the engine.',
  QUERY_CANCELLED: 'A query was cancelled.',
  ENGINE_NO_ROLES: 'The engine has no database roles (strata grant needs PostgreSQL).',
  GRANT_ROLE_UNSAFE: 'strata grant was asked for a role that could write anyway (a superuser, the owner).',

  // Runs
  RUN_LOCKED: 'Another run is writing to this warehouse.',
  RUN_NOT_FOUND: 'No run with that id is recorded.',
  RUN_NOTHING_TO_RESUME: 'The run to resume has no failed or skipped tasks.',
  RUN_INTERRUPTED: 'The run was interrupted (SIGINT/SIGTERM) and stopped before it finished.',
  BACKFILL_NOT_FOUND: 'No unfinished backfill with that id is recorded.',
  BACKFILL_RANGE_TOO_LONG: 'A backfill range spans more days than strata runs at once.',
  TASK_TIMEOUT: 'A task ran longer than its timeout.',
  TASK_UPSTREAM_FAILED: 'A task was skipped because something it depends on failed.',
  TASK_UNCHANGED:
    'A task was skipped because its inputs did not change since a build that covered the dates.',
  SCHEMA_CHANGED: 'An incremental model now selects different columns than its table has.',
  DUPLICATE_KEY: "A model's rows are not unique on its unique_key.",
  NULL_KEY: 'A model has rows whose unique_key is null.',
  LOAD_DATE_MISSING: 'A model declared a load_date_column that its SELECT does not return.',
  SCD2_OUT_OF_ORDER: 'An SCD2 snapshot without a load-date column cannot be replayed for a past date.',
  DATE_INVALID: 'A date option is not a valid YYYY-MM-DD date.',
  CHECK_FAILED: 'A check of severity error failed: what depends on the checked table was skipped.',

  // Sources
  SOURCE_INVALID: 'A source in the config cannot be used as declared.',
  FILE_UNREADABLE:
    'A source file cannot be read at all (e.g. a truncated JSON array); its records stay unloaded.',
  SOURCE_FETCH_FAILED: 'An HTTP source could not be read, even after retries.',
  SOURCE_COLUMN_MISSING: 'A required field is absent from a whole file; the file is not loaded.',
  SOURCE_FILE_REJECTED:
    'Every record of a source file was quarantined (e.g. a binary file named .ndjson); its source task fails.',
  SOURCE_NO_FILES:
    "A source's file pattern matches no file at all (often a path not relative to the project folder): its tables are built empty. A warning; an error with --strict.",
  SOURCE_WINDOW_EMPTY:
    "The run's load dates hold no file of a source, whose files cover other dates. A warning; an error with --strict.",
  SOURCE_FILE_EMPTY:
    'A source file held no record (empty, or a CSV header alone): recorded in audit.ingested_files with this warning; the run goes on.',
  RECONCILIATION_MISMATCH: 'Records received ≠ staged + quarantined + duplicates for a source and date.',

  // Generator and fixture API
  GENERATE_OUT_NOT_EMPTY: 'The output folder already holds generated data; pass --overwrite to replace it.',
  GENERATE_OUTPUT_FAILED: 'The generator could not write its output folder.',
  FIXTURE_PORT_IN_USE: 'The fixture API could not listen on the address and port asked for.',

  // Schedules
  SCHEDULE_NONE: 'strata schedule was started in a project whose config declares no schedules.',
  SCHEDULE_CLOCK_INVALID: 'STRATA_CLOCK_START or STRATA_CLOCK_RATE (the rehearsal clock) is not valid.',

  // CLI and init
  USAGE: 'A command was called with invalid options.',
  INFER_INPUT_INVALID:
    'strata infer cannot read the sample files as asked (a missing file, files of different formats, a bad --source).',
  INFER_OUT_EXISTS:
    'strata infer was asked to write its draft over an existing file; pass --force to replace it.',
  INIT_TARGET_NOT_EMPTY: 'strata init was pointed at a folder that already holds a project.',
  DEMO_TARGET_NOT_DEMO: 'strata demo was pointed at a project it did not create (or another pack’s demo).',
  INTERNAL: 'An unexpected internal error.',

  // Documentation site
  DOCS_OUT_NOT_SITE:
    'strata docs was asked to write its site over a folder that holds other files (not a site it wrote).',
  DOCS_WRITE_FAILED: 'strata docs could not write the documentation site to its folder.',

  // Export
  EXPORT_MODEL_UNKNOWN: 'strata export names no model, seed or source table of the project.',
  EXPORT_NOT_BUILT: 'strata export names a model whose table is not in the warehouse yet.',
  EXPORT_NO_LOAD_DATE:
    'strata export --from/--to on a model without a load_date_column (or a --sql query): nothing to filter on.',
  EXPORT_SQL_NOT_READ_ONLY: 'strata export --sql was given something else than one read-only query.',
  EXPORT_OUT_EXISTS:
    'strata export was asked to write over an existing file or a folder that is not empty; pass --overwrite.',
  EXPORT_TOO_MANY_ROWS:
    "An XLSX export would pass Excel's limit of 1,048,576 rows a sheet; nothing was written.",
  EXPORT_INTERRUPTED: 'strata export was interrupted; the partial file was removed.',
} as const;

export type DiagnosticCode = keyof typeof diagnosticCodes;

/**
 * The code of a task skipped because nothing it reads changed, or that ran and found nothing to
 * change: done, as a success is, not stopped.
 */
export const TASK_UNCHANGED = 'TASK_UNCHANGED' satisfies DiagnosticCode;

/** Whether a task (or an attempt) of this status and error code was skipped because nothing changed. */
export function isUnchangedSkip(status: string | null | undefined, code: string | null | undefined): boolean {
  return status === 'skipped' && code === TASK_UNCHANGED;
}
