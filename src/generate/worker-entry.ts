import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

let bundled: Promise<URL> | undefined;

/**
 * The script a generate worker thread starts from. The build (`npm run build`) compiles it ahead as
 * dist/generate/partition-worker.js, beside this module's place in dist/. Run from the sources
 * (vitest, tsx), loader hooks are not inherited by worker threads, so a worker would have to start
 * tsx and compile every module again (most of a second each); instead the worker's code is bundled
 * once per process with esbuild (which tsx ships) into the package's node_modules/.cache, where its
 * bare imports still resolve. When bundling is not possible the tsx bootstrap is used.
 */
export function workerEntry(): Promise<URL> {
  const built = new URL('./partition-worker.js', import.meta.url);
  if (existsSync(built)) return Promise.resolve(built);
  bundled ??= bundleWorker().catch(() => new URL('./worker-bootstrap.mjs', import.meta.url));
  return bundled;
}

async function bundleWorker(): Promise<URL> {
  const { build } = await import('esbuild');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const result = await build({
    stdin: {
      contents: "import { workerMain } from './partition-worker.ts';\nawait workerMain();\n",
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no output');
  const cache = join(fileURLToPath(new URL('../../node_modules/.cache/strata/', import.meta.url)));
  const file = join(
    cache,
    `generate-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`,
  );
  if (!existsSync(file)) {
    await mkdir(cache, { recursive: true });
    await writeFile(file, code);
  }
  return pathToFileURL(file);
}
