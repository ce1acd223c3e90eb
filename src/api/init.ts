import { existsSync } from 'node:fs';
import { cp, mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_FILES } from '../config/load-config.ts';
import { StrataError } from '../errors/strata-error.ts';

const TEMPLATES_DIR = new URL('../templates/', import.meta.url);

export async function listTemplates(): Promise<string[]> {
  const entries = await readdir(TEMPLATES_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export interface InitResult {
  root: string;
  template: string;
  files: string[];
}

/** Creates a project from a template; refuses to write over an existing project. */
export async function initProject(dir: string, template = 'starter'): Promise<InitResult> {
  const templates = await listTemplates();
  if (!templates.includes(template)) {
    throw new StrataError('USAGE', `Unknown template "${template}"`, {
      hint: `Available templates: ${templates.join(', ')}.`,
    });
  }
  const root = resolve(dir);
  const existing = CONFIG_FILES.find((file) => existsSync(join(root, file)));
  if (existing) {
    throw new StrataError('INIT_TARGET_NOT_EMPTY', `${root} already holds a strata project (${existing})`, {
      hint: 'Choose an empty or new folder, or work in the existing project.',
    });
  }
  await mkdir(root, { recursive: true });
  const source = new URL(`${template}/`, TEMPLATES_DIR);
  await cp(source, root, { recursive: true, errorOnExist: true, force: false });
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
  return { root, template, files };
}
