import { isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** Marks the resolution the plugin asks esbuild for, so that it does not answer its own question. */
const OWN_LOOKUP = Symbol('strata config import');

/**
 * The config's `import.meta`, spelt so that scripts/build.mjs, which rewrites each `import.meta.url`
 * of strata's own modules to their place in dist/, leaves these names alone.
 */
const META = ['import', 'meta'].join('.');

/** Loads compiled so far: each gets a module of its own, so a changed file or environment is read again. */
let compiledLoads = 0;

/**
 * A TypeScript config that imports no file of its own (only packages and Node's modules), compiled
 * by esbuild in this process and imported from memory: tsx's loader starts a thread and compiles
 * through it, a quarter of a second on every command that opens a project; esbuild takes a few
 * milliseconds. Every package import is resolved here, from the config's folder as Node would, to
 * an absolute URL ('strata' to the running strata when the project does not have it), so the
 * compiled module needs no folder of its own; `import.meta.url`, `dirname` and `filename` are the
 * config file's. Answers undefined when the config imports files of its own (tsx compiles those,
 * each with its own `import.meta`).
 */
export async function importCompiledConfig(configFile: string, strataUrl: string): Promise<unknown> {
  const { build } = await import('esbuild');
  const url = pathToFileURL(configFile).href;
  const result = await build({
    entryPoints: [configFile],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    define: {
      [`${META}.url`]: JSON.stringify(url),
      [`${META}.dirname`]: JSON.stringify(dirname(configFile)),
      [`${META}.filename`]: JSON.stringify(configFile),
    },
    plugins: [packagesByUrl(strataUrl)],
  });
  if (Object.keys(result.metafile.inputs).length > 1) return undefined;
  const code = result.outputFiles[0]?.text ?? '';
  const source = `${code}\n// load ${++compiledLoads} of ${url}\n`;
  try {
    return await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  } catch (error) {
    // strata run from its TypeScript sources without a loader for them (its own tests): the import
    // of 'strata' fails as the module is linked, before any of the config runs; tsx can load it.
    if (isCode(error, 'ERR_UNKNOWN_FILE_EXTENSION')) return undefined;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Every package import as an absolute URL, resolved from the importing file's folder. */
function packagesByUrl(strataUrl: string): Plugin {
  return {
    name: 'strata-config-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === OWN_LOOKUP) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const found = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: OWN_LOOKUP,
        });
        if (found.errors.length === 0 && !found.external) {
          return { path: pathToFileURL(found.path).href, external: true };
        }
        if (args.path === 'strata') return { path: strataUrl, external: true };
        return { errors: found.errors };
      });
    },
  };
}
