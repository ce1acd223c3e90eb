import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parsePage } from '../dashboards/parse-page.ts';
import type { DashboardPage } from '../dashboards/types.ts';
import { unknownRefs } from '../dashboards/validate-page.ts';
import { StrataError } from '../errors/strata-error.ts';
import { listFiles } from './discover.ts';

/** Reads every page of the project's dashboard folders; problems are returned with the project's. */
export async function loadDashboards(
  root: string,
  paths: readonly string[],
  isKnownRelation: (name: string) => boolean,
): Promise<{ pages: DashboardPage[]; problems: StrataError[] }> {
  const pages: DashboardPage[] = [];
  const problems: StrataError[] = [];
  const seen = new Map<string, string>();
  for (const dashboardsDir of paths) {
    const dir = join(root, dashboardsDir);
    for (const pathInDir of await listFiles(dir, ['.md'])) {
      const absolute = join(dir, pathInDir);
      const file = relative(root, absolute);
      const name = pathInDir.replace(/\.md$/, '').split('/').join('-');
      const parsed = parsePage({ file, name, text: await readFile(absolute, 'utf8') });
      problems.push(...parsed.problems);
      if (!parsed.page) continue;
      const earlier = seen.get(name);
      if (earlier) {
        problems.push(
          new StrataError('DASHBOARD_INVALID', `a second page named ${name} (the first is ${earlier})`, {
            file,
            line: 1,
            hint: 'Page names come from file names and must be unique.',
          }),
        );
        continue;
      }
      seen.set(name, file);
      problems.push(...unknownRefs(parsed.page, isKnownRelation));
      pages.push(parsed.page);
    }
  }
  pages.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  return { pages, problems };
}
