import type { Engine } from '../engine/types.ts';
import type { ModelColumnLineage } from '../lineage/types.ts';
import type { Project } from '../project/load-project.ts';

/**
 * Each model's column lineage for the docs. Column lineage is derived by its own module; until it
 * is part of this build every model's is null (the site says lineage is not available).
 */
export async function docsColumnLineage(
  _project: Project,
  _engine: Engine,
): Promise<Map<string, ModelColumnLineage | null>> {
  return new Map();
}
