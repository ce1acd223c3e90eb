import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import { type Project, loadProject } from '../project/load-project.ts';

export interface ProjectOptions {
  /** The project folder; defaults to the current directory. */
  projectDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Loads the project, opens its warehouse for the duration of fn, and always closes it. */
export async function withProject<T>(
  options: ProjectOptions,
  fn: (project: Project, engine: Engine) => Promise<T>,
): Promise<T> {
  const project = await loadProject(options.projectDir ?? process.cwd(), options.env);
  const engine = await createEngine(project.engineTarget);
  try {
    return await fn(project, engine);
  } finally {
    await engine.close();
  }
}
