import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * Matches files with a glob: `*` and `?` within one path segment, `**` across segments, `{a,b}`
 * alternatives. Returns absolute paths, sorted, so discovery is deterministic.
 */
export async function globFiles(root: string, pattern: string): Promise<string[]> {
  const absolute = isAbsolute(pattern) ? pattern : join(root, pattern);
  const normalised = absolute.split(sep).join('/');
  const base = staticPrefix(normalised);
  if (!existsSync(base)) return [];
  const matcher = globToRegExp(normalised);
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).split(sep).join('/'))
    .filter((path) => matcher.test(path))
    .sort();
}

/**
 * Where a pattern looks for files — the folder before its first wildcard, relative to the project
 * ('.' for the project folder itself) — and whether that folder exists: what a message about a
 * pattern that matches nothing names.
 */
export function patternFolder(root: string, pattern: string): { folder: string; exists: boolean } {
  const absolute = (isAbsolute(pattern) ? pattern : join(root, pattern)).split(sep).join('/');
  const base = staticPrefix(absolute);
  return { folder: relativePath(root, base) || '.', exists: existsSync(base) };
}

/** The folder part of a pattern before its first wildcard. */
function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?{[]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/') || '/';
}

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  let inGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      // "**/" matches zero or more folders; a trailing "**" anything.
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '{') {
      inGroup = true;
      out += '(?:';
    } else if (char === '}' && inGroup) {
      inGroup = false;
      out += ')';
    } else if (char === ',' && inGroup) out += '|';
    else out += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function relativePath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
