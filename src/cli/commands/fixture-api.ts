import { type Command, Option } from 'commander';
import { startFixtureApi } from '../../index.ts';
import { type CliContext } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { untilStopped, writeChunk } from '../io.ts';
import { nonNegativeInteger, nonNegativeNumber } from '../options.ts';

interface FixtureApiOptions {
  port: number;
  host: string;
  catalogue: 'generated' | 'fakestore';
  seed: number;
  scale: number;
  faults?: string;
}

export function registerFixtureApi(program: Command, ctx: CliContext): void {
  program
    .command('fixture-api')
    .description(
      'Serve a product catalogue in the FakeStore shape on 127.0.0.1, misbehaving on purpose if asked.',
    )
    .option('--port <n>', 'port (0 picks a free one)', nonNegativeInteger, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--catalogue <name>', 'the generated catalogue or the real FakeStore sample')
        .choices(['generated', 'fakestore'])
        .default('generated'),
    )
    .option('--seed <n>', 'seed of the catalogue and of the faults', nonNegativeInteger, 42)
    .option('--scale <x>', 'catalogue size (1 ≈ 10,000 products)', nonNegativeNumber, 0.01)
    .option(
      '--faults <spec>',
      'e.g. 500:0.1,429:0.05@2,slow:0.1@2000,drop:0.05,truncate:0.05 (kind:rate[@arg])',
    )
    .addHelpText(
      'after',
      '\nRoutes: /products (limit, offset, sort), /products/:id, /products/categories, /products/category/:name, /health.\nStops on SIGTERM or Ctrl-C.',
    )
    .action(async (options: FixtureApiOptions) => {
      const api = await startFixtureApi({
        port: options.port,
        host: options.host,
        catalogue: options.catalogue,
        seed: options.seed,
        scale: options.scale,
        faults: options.faults,
      });
      await writeChunk(ctx.io.stdout, `fixture API listening on ${api.url}\n`);
      await untilStopped(ctx.io.stop);
      await api.close();
      ctx.exitCode = EXIT_OK;
    });
}
