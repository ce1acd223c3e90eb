import { StrataError } from '../errors/strata-error.ts';
import type { Graph } from './graph.ts';

/**
 * Resolves --select entries: `name`, `+name` (with everything upstream), `name+` (with everything
 * downstream), `+name+` (both). Entries may be separated by commas or spaces. No entries: all.
 * `exclude` takes the same entries and removes what they name from the selection (`--exclude`).
 */
export function selectNodes(
  graph: Graph,
  selectors: readonly string[],
  exclude: readonly string[] = [],
): Set<string> {
  const selected = resolveEntries(graph, selectors, '--select') ?? new Set(graph.order);
  const excluded = resolveEntries(graph, exclude, '--exclude');
  for (const name of excluded ?? []) selected.delete(name);
  if (selected.size === 0 && excluded) {
    throw new StrataError('USAGE', `--exclude ${exclude.join(' ')} leaves nothing of the selection to run`, {
      hint: 'Exclude fewer nodes, or select more.',
    });
  }
  return selected;
}

/** The nodes the entries name, undefined when there are none; every unknown name reported at once. */
function resolveEntries(graph: Graph, selectors: readonly string[], option: string): Set<string> | undefined {
  const entries = selectors.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  if (entries.length === 0) return undefined;
  const selected = new Set<string>();
  const problems: StrataError[] = [];
  for (const entry of entries) {
    const match = /^(\+?)([^+]+)(\+?)$/.exec(entry);
    const name = match?.[2];
    if (!match || !name || !graph.nodes.has(name)) {
      problems.push(
        new StrataError('SELECTOR_UNKNOWN', `${option} ${entry}: no model or seed named "${name ?? entry}"`, {
          hint: 'Use a model name, +name for it and its upstream, name+ for it and its downstream.',
        }),
      );
      continue;
    }
    selected.add(name);
    if (match[1]) walk(name, graph.upstream, selected);
    if (match[3]) walk(name, graph.downstream, selected);
  }
  if (problems.length === 1 && problems[0]) throw problems[0];
  if (problems.length > 1) {
    throw new StrataError('SELECTOR_UNKNOWN', problems.map((p) => p.message).join('; '), {
      hint: problems[0]?.hint,
    });
  }
  return selected;
}

function walk(start: string, edges: Map<string, string[]>, into: Set<string>): void {
  for (const next of edges.get(start) ?? []) {
    if (!into.has(next)) {
      into.add(next);
      walk(next, edges, into);
    }
  }
}
