import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CheckDefinition } from '../checks/types.ts';
import type { ProjectNode } from '../models/types.ts';
import { STRATA_VERSION } from '../version.ts';

/**
 * What a node is built from, as a hash: a model's header and SQL as written (its parsed config and
 * template), a source's config and contract, a seed's file. strata's version is part of it, so an
 * upgrade (which may render a materialisation differently) builds every node once again.
 */
export async function definitionHash(node: ProjectNode): Promise<string> {
  const hash = createHash('sha256').update(`strata ${STRATA_VERSION}\n${node.kind}\n`);
  hash.update(JSON.stringify(node.target));
  switch (node.kind) {
    case 'model':
      hash.update(JSON.stringify({ config: node.config, segments: node.segments }));
      break;
    case 'source':
      hash.update(JSON.stringify({ raw: node.raw, provides: node.provides, config: node.config }));
      break;
    case 'seed':
      // A file that cannot be read never matches: the seed's task runs and reports why it failed.
      hash.update(await readFile(node.path).catch(() => randomUUID()));
      break;
  }
  return hash.digest('hex').slice(0, 32);
}

/** What a gate runs, as a hash: its checks as collected (a check added or changed runs it again). */
export function gateHash(checks: readonly CheckDefinition[]): string {
  const hash = createHash('sha256').update(`strata ${STRATA_VERSION}\nchecks\n`);
  hash.update(JSON.stringify(checks.map(({ file: _file, ...check }) => check)));
  return hash.digest('hex').slice(0, 32);
}

/** The definition hash of every node of the run, by node name. */
export async function definitionHashes(nodes: Iterable<ProjectNode>): Promise<Map<string, string>> {
  const unique = [...new Map([...nodes].map((node) => [node.name, node])).values()];
  const hashes = await Promise.all(
    unique.map(async (node) => [node.name, await definitionHash(node)] as const),
  );
  return new Map(hashes);
}
