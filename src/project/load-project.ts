import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { collectChecks } from '../checks/collect.ts';
import type { CheckDefinition } from '../checks/types.ts';
import { loadConfig } from '../config/load-config.ts';
import { type EngineTarget, resolveEngineTarget } from '../config/resolve-engine.ts';
import type { StrataConfig } from '../config/schema.ts';
import { isValidIdentifier } from '../engine/identifiers.ts';
import { StrataAggregateError, StrataError } from '../errors/strata-error.ts';
import { type Graph, buildGraph } from '../models/graph.ts';
import { baseName, parseModel } from '../models/parse-model.ts';
import type { ProjectNode, SeedNode, SourceNode } from '../models/types.ts';
import type { SourceConfig } from '../config/source-schema.ts';
import { listFiles } from './discover.ts';
import { loadDashboards } from './load-dashboards.ts';
import type { DashboardPage } from '../dashboards/types.ts';

export interface Project {
  root: string;
  configFile: string;
  config: StrataConfig;
  engineTarget: EngineTarget;
  graph: Graph;
  /** Every check of the project, resolved against the graph. */
  checks: CheckDefinition[];
  /** The dashboard pages, ordered as they are listed. */
  dashboards: DashboardPage[];
}

/**
 * Loads a project folder: its config, seeds and models, and the DAG they form. Every problem in
 * the definitions is collected and thrown together as one PROJECT_INVALID error.
 */
export async function loadProject(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Project> {
  const { root, configFile, config } = await loadConfig(resolve(projectDir));
  const problems: StrataError[] = [];
  const nodes: ProjectNode[] = [];
  const unparsed = new Set<string>();

  for (const modelsDir of config.models.paths) {
    const dir = join(root, modelsDir);
    for (const pathInModels of await listFiles(dir, ['.sql'])) {
      const absolute = join(dir, pathInModels);
      const file = relative(root, absolute);
      const text = await readFile(absolute, 'utf8');
      const parsed = parseModel({ file, pathInModels, text }, config.defaultSchema);
      problems.push(...parsed.problems);
      if (parsed.model) nodes.push(parsed.model);
      else unparsed.add(baseName(pathInModels));
    }
  }
  for (const seedsDir of config.seeds.paths) {
    const dir = join(root, seedsDir);
    for (const pathInSeeds of await listFiles(dir, ['.csv'])) {
      const seed = seedNode(root, join(dir, pathInSeeds), config.seeds.schema);
      if (seed instanceof StrataError) problems.push(seed);
      else nodes.push(seed);
    }
  }

  for (const [name, source] of Object.entries(config.sources)) {
    nodes.push(sourceNode(name, source, relative(root, configFile)));
  }

  const { graph, problems: graphProblems } = buildGraph(nodes, unparsed);
  problems.push(...graphProblems);
  const collected = graph
    ? collectChecks(graph, config.checks, relative(root, configFile))
    : { checks: [], problems: [] };
  problems.push(...collected.problems);
  const dashboards = await loadDashboards(root, config.dashboards.paths, relationNames(nodes, unparsed));
  problems.push(...dashboards.problems);
  if (problems.length > 0 || !graph)
    throw new StrataAggregateError('PROJECT_INVALID', sortProblems(problems));
  return {
    root,
    configFile,
    config,
    engineTarget: resolveEngineTarget(config, root, env),
    graph,
    checks: collected.checks,
    dashboards: dashboards.pages,
  };
}

function sourceNode(name: string, config: SourceConfig, file: string): SourceNode {
  const provides = Object.entries(config.contract.fields)
    .filter(([, field]) => field.type === 'array')
    .map(([field]) => ({
      name: `${name}__${field}`,
      target: { schema: config.schema, name: `${name}__${field}` },
    }));
  return {
    kind: 'source',
    name,
    target: { schema: config.schema, name },
    raw: { schema: config.rawSchema, name },
    file,
    provides,
    config,
  };
}

function seedNode(root: string, path: string, schema: string): SeedNode | StrataError {
  const name = baseName(path);
  const file = relative(root, path);
  if (!isValidIdentifier(name)) {
    return new StrataError('MODEL_NAME_INVALID', `seed file name "${name}" is not a valid identifier`, {
      file,
      hint: 'Rename the file to letters, digits and underscores, e.g. customers.csv.',
    });
  }
  return { kind: 'seed', name, target: { schema, name }, file, path };
}

function sortProblems(problems: StrataError[]): StrataError[] {
  return [...problems].sort(
    (a, b) =>
      (a.location.file ?? '').localeCompare(b.location.file ?? '') ||
      (a.location.line ?? 0) - (b.location.line ?? 0),
  );
}

/** Every name a ref() may use (what the graph's `tables` holds), known even when the graph is not built. */
function relationNames(
  nodes: readonly ProjectNode[],
  unparsed: ReadonlySet<string>,
): (name: string) => boolean {
  const names = new Set<string>(unparsed);
  for (const node of nodes) {
    names.add(node.name);
    if (node.kind === 'source') for (const provided of node.provides) names.add(provided.name);
  }
  return (name) => names.has(name);
}
