import { StrataError } from '../errors/strata-error.ts';
import type { TableRef } from '../engine/types.ts';
import type { ProjectNode } from './types.ts';

/** The DAG of a project: nodes by name, and for each its upstream and downstream names. */
export interface Graph {
  nodes: Map<string, ProjectNode>;
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
  /** Every node, each after everything it depends on (ties broken by name, so it is stable). */
  order: string[];
  /** Every name a model may ref(): nodes, and the extra tables some nodes build (a source's nested arrays). */
  tables: Map<string, { node: string; target: TableRef }>;
}

/**
 * `unparsed` names models whose files exist but could not be parsed (their problems are reported
 * already): a ref to one is not also reported as unknown.
 */
export function buildGraph(
  nodes: readonly ProjectNode[],
  unparsed: ReadonlySet<string> = new Set(),
): { graph?: Graph; problems: StrataError[] } {
  const problems: StrataError[] = [];
  const byName = new Map<string, ProjectNode>();
  for (const node of nodes) {
    const existing = byName.get(node.name);
    if (existing) {
      problems.push(
        new StrataError(
          'MODEL_DUPLICATE',
          `"${node.name}" is defined twice: ${existing.file} and ${node.file}`,
          {
            file: node.file,
            model: node.name,
            hint: 'Names are global across models and seeds; rename one of them.',
          },
        ),
      );
      continue;
    }
    byName.set(node.name, node);
  }
  const tables = new Map<string, { node: string; target: TableRef }>();
  for (const node of byName.values()) {
    tables.set(node.name, { node: node.name, target: node.target });
    for (const extra of node.kind === 'source' ? node.provides : []) {
      if (byName.has(extra.name)) {
        problems.push(
          new StrataError(
            'MODEL_DUPLICATE',
            `"${extra.name}" is both a model or seed and a table of source ${node.name}`,
            {
              model: extra.name,
              hint: 'Rename the model, or the nested field of the source.',
            },
          ),
        );
      }
      tables.set(extra.name, { node: node.name, target: extra.target });
    }
  }

  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>([...byName.keys()].map((name) => [name, []]));
  for (const node of byName.values()) {
    const deps = new Set<string>();
    if (node.kind === 'model') {
      for (const ref of node.refs) {
        if (ref.name === node.name) {
          problems.push(
            new StrataError('REF_CYCLE', `"${node.name}" refers to itself`, {
              file: node.file,
              line: ref.line,
              column: ref.column,
              model: node.name,
              hint: 'Use {{ this }} to read the model’s own table.',
            }),
          );
        } else if (!tables.has(ref.name)) {
          if (unparsed.has(ref.name)) continue;
          const suggestion = closest(ref.name, [...tables.keys()]);
          problems.push(
            new StrataError('REF_UNKNOWN', `ref('${ref.name}') names no model, seed or source`, {
              file: node.file,
              line: ref.line,
              column: ref.column,
              model: node.name,
              hint: suggestion ? `Did you mean ref('${suggestion}')?` : 'Create the model, or fix the name.',
            }),
          );
        } else {
          const provider = tables.get(ref.name)?.node ?? ref.name;
          if (provider !== node.name) deps.add(provider);
        }
      }
    }
    const sorted = [...deps].sort();
    upstream.set(node.name, sorted);
    for (const dep of sorted) downstream.get(dep)?.push(node.name);
  }
  for (const list of downstream.values()) list.sort();

  problems.push(...cycleProblems(byName, upstream));
  if (problems.length > 0) return { problems };
  return {
    graph: { nodes: byName, upstream, downstream, order: topologicalOrder(upstream), tables },
    problems,
  };
}

/** Every cycle, each reported once at the reference that closes it. */
function cycleProblems(nodes: Map<string, ProjectNode>, upstream: Map<string, string[]>): StrataError[] {
  const problems: StrataError[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of upstream.get(name) ?? []) {
      const seen = state.get(dep);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const node = nodes.get(name);
        const ref = node?.kind === 'model' ? node.refs.find((r) => r.name === dep) : undefined;
        problems.push(
          new StrataError('REF_CYCLE', `models refer to each other in a cycle: ${cycle.join(' → ')}`, {
            file: node?.file,
            line: ref?.line,
            column: ref?.column,
            model: name,
            hint: 'A model cannot depend on itself through others; break one of these references.',
          }),
        );
      } else if (seen === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...nodes.keys()].sort()) if (!state.has(name)) visit(name);
  return problems;
}

function topologicalOrder(upstream: Map<string, string[]>): string[] {
  const remaining = new Map([...upstream].map(([name, deps]) => [name, new Set(deps)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => name)
      .sort();
    for (const name of ready) {
      remaining.delete(name);
      order.push(name);
      for (const deps of remaining.values()) deps.delete(name);
    }
    if (ready.length === 0) throw new Error('topologicalOrder called on a graph with a cycle');
  }
  return order;
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = levenshtein(name, candidate);
    if (distance <= Math.max(2, Math.floor(name.length / 3)) && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
