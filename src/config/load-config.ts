import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { StrataAggregateError, StrataError } from '../errors/strata-error.ts';
import { importCompiledConfig } from './compile-config.ts';
import { issueMessage } from './issue-message.ts';
import { type StrataConfig, configSchema } from './schema.ts';

export const CONFIG_FILES = [
  'strata.config.ts',
  'strata.config.mts',
  'strata.config.js',
  'strata.config.mjs',
];

export interface LoadedConfig {
  /** Absolute path of the project folder. */
  root: string;
  configFile: string;
  config: StrataConfig;
}

let hooksRegistered = false;

/** The running strata's public API: public.ts beside this module in the sources, public.js in the build (dist/config/). */
function strataPublicUrl(): string {
  return new URL(import.meta.url.endsWith('.ts') ? './public.ts' : './public.js', import.meta.url).href;
}

function registerStrataResolution(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  register(new URL('./resolve-strata.hooks.js', import.meta.url), {
    data: { fallbackUrl: strataPublicUrl() },
  });
}

export async function loadConfig(projectDir: string): Promise<LoadedConfig> {
  const root = resolve(projectDir);
  const name = CONFIG_FILES.find((file) => existsSync(join(root, file)));
  if (!name) {
    throw new StrataError('CONFIG_NOT_FOUND', `No strata.config.ts in ${root}`, {
      hint: 'Run `strata init DIR` to create a project, or pass --project DIR pointing at one.',
    });
  }
  const configFile = join(root, name);
  const raw = await importConfig(configFile);
  return { root, configFile, config: validateConfig(raw, name) };
}

/** Loads of a plain config so far: each gets a URL of its own, so a changed file is read again. */
let plainLoads = 0;

/**
 * A JavaScript config (`.js`, `.mjs`) is imported as it is, without tsx (whose loader costs a
 * start-up its compiler is not needed for); strata's resolution hook is registered only when it
 * imports 'strata'. A TypeScript config is compiled by tsx.
 */
async function importConfig(configFile: string): Promise<unknown> {
  const plain = /\.m?js$/.test(configFile);
  if (plain && importsStrata(await readFile(configFile, 'utf8').catch(() => ''))) registerStrataResolution();
  try {
    const module = (
      plain
        ? await import(`${pathToFileURL(configFile).href}?load=${++plainLoads}`)
        : ((await importCompiledConfig(configFile, strataPublicUrl())) ??
          (await importTypeScript(configFile)))
    ) as { default?: unknown };
    // A CommonJS project's config arrives wrapped once more by the interop: unwrap it.
    const value = module.default as { default?: unknown; __esModule?: boolean } | undefined;
    return value &&
      typeof value === 'object' &&
      'default' in value &&
      Object.keys(value).every((k) => k === 'default' || k === '__esModule')
      ? value.default
      : value;
  } catch (error) {
    // Like every other problem in a project's files, named relative to the project.
    throw new StrataError('CONFIG_LOAD_FAILED', `Could not import ${basename(configFile)}`, {
      file: basename(configFile),
      cause: error,
      hint: plain
        ? `Node imports ${basename(configFile)} as it is: it must end in \`export default defineConfig({...})\`, and a .js file needs "type": "module" in the project's package.json (or rename it .mjs, or .ts to have it compiled).`
        : 'The file must be valid TypeScript ending in `export default defineConfig({...})`; a project without strata in node_modules needs "type": "module" in its package.json.',
    });
  }
}

async function importTypeScript(configFile: string): Promise<unknown> {
  registerStrataResolution();
  // tsx is loaded here, for a project's config only: commands that load none never start it.
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(pathToFileURL(configFile).href, {
    parentURL: import.meta.url,
    // The project's own tsconfig (if any), never the one of the folder strata was started from.
    tsconfig: existsSync(join(dirname(configFile), 'tsconfig.json'))
      ? join(dirname(configFile), 'tsconfig.json')
      : false,
  });
}

/** Does a JavaScript config import 'strata' (statically, dynamically or by require)? */
function importsStrata(text: string): boolean {
  return /(?:from|import|require)\s*\(?\s*['"]strata(?:\/[^'"]*)?['"]/.test(text);
}

/** Validates the whole config and reports every invalid key at once. */
export function validateConfig(raw: unknown, file = 'strata.config.ts'): StrataConfig {
  if (raw === undefined) {
    throw new StrataError('CONFIG_INVALID', `${file} has no default export`, {
      file,
      hint: 'End the file with `export default defineConfig({ ... })`.',
    });
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => configProblems(issue, file));
  throw new StrataAggregateError('CONFIG_INVALID', problems, `${problems.length} invalid key(s) in ${file}`);
}

/** One problem per invalid key; each unknown key is its own problem, with its own dotted path. */
function configProblems(issue: z.core.$ZodIssue, file: string): StrataError[] {
  const parent = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) =>
        new StrataError(
          'CONFIG_INVALID',
          `unknown key "${key}"${parent.length ? ` in ${parent.join('.')}` : ''}`,
          { file, field: [...parent, key].join('.'), hint: 'Remove the key or check its spelling.' },
        ),
    );
  }
  const path = parent.join('.');
  return [
    new StrataError('CONFIG_INVALID', `${path || '(root)'}: ${issueMessage(issue)}`, {
      file,
      field: path || undefined,
    }),
  ];
}
