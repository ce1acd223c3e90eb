import type { SourceConfig } from '../config/source-schema.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { SourceFile } from './discover.ts';
import { windowText } from '../time/dates.ts';
import { patternFolder } from './glob.ts';

/**
 * Why a source's task found nothing to load where the run expected files, or undefined when that
 * is normal:
 *
 * - SOURCE_NO_FILES: its file pattern matches no file at all (usually a path that is not relative
 *   to the project folder). The pattern and the folder it looked in are named.
 * - SOURCE_WINDOW_EMPTY: the run asked for load dates (`--date`, `--from`/`--to`) and none of the
 *   source's files has one of them; the dates its files do cover are named.
 *
 * A run without dates (the newest loaded date onward) that finds no new file is an ordinary
 * incremental day, not a problem. An HTTP source lands its own files and is left alone.
 * The caller reports the problem as a warning, or fails the source's task with it (`--strict`).
 */
export function emptyWindowProblem(
  root: string,
  name: string,
  source: SourceConfig,
  discovered: readonly SourceFile[],
  inWindow: readonly SourceFile[],
  window: DateWindow,
): StrataError | undefined {
  // `files: []` declares a feed the project does not have: nothing was looked for.
  if (source.http || !source.files || source.files.length === 0) return undefined;
  if (discovered.length === 0) return noFiles(root, name, source.files);
  const explicit = window.from !== undefined || window.to !== undefined;
  if (!explicit || inWindow.length > 0) return undefined;
  const dates = [...new Set(discovered.map((f) => f.loadDate))].sort();
  const first = dates[0] as string;
  const last = dates.at(-1) as string;
  const cover = first === last ? first : `${first}..${last}`;
  return new StrataError(
    'SOURCE_WINDOW_EMPTY',
    `no file for ${windowText(window.from, window.to)}; its files cover ${cover} (${dates.length} date${dates.length === 1 ? '' : 's'})`,
    {
      field: `sources.${name}.files`,
      hint:
        `Run dates its files have (e.g. --from ${first} --to ${last}), or check that the files ` +
        `for ${windowText(window.from, window.to)} were delivered where sources.${name}.files looks.`,
    },
  );
}

function noFiles(root: string, name: string, files: readonly string[]): StrataError {
  const looked = files.map((pattern) => {
    const { folder, exists } = patternFolder(root, pattern);
    return `${pattern} (looked in ${folder}, which ${exists ? 'holds no matching file' : 'does not exist'})`;
  });
  return new StrataError('SOURCE_NO_FILES', `no file matches ${looked.join(', ')}`, {
    field: `sources.${name}.files`,
    hint: `Check the path in sources.${name}.files: a pattern is relative to the project folder (${root}), not to the current directory.`,
  });
}
