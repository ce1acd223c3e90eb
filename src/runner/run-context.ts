import type { AuditRecorder } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';
import type { Project } from '../project/load-project.ts';
import type { RunEventListener } from './events.ts';

/** What every stage of a run works with: the project, its warehouse, the run's audit and its listener. */
export interface RunContext {
  project: Project;
  engine: Engine;
  recorder: AuditRecorder;
  emit: RunEventListener;
  now: () => Date;
  /** The environment sources and alert webhooks read credentials from. */
  env: NodeJS.ProcessEnv;
}
