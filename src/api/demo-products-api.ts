import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';
import { catalogueSize } from '../generate/catalogue.ts';
import { type FixtureApi, formatFaultSpec, parseFaultSpec, startFixtureApi } from '../fixture-api/index.ts';

/** The variable the e-commerce template's config reads the product API's base URL from. */
export const PRODUCTS_API_ENV = 'STRATA_PRODUCTS_API_URL';

/** The source the template fetches the product API into (see its strata.config.ts). */
export const PRODUCTS_API_SOURCE = 'products_api';

/**
 * The demo's API fails some requests on purpose, so the run's retries show: with the demo's seed
 * the first requests are answered 500 and 429 before a page comes through.
 */
export const DEMO_PRODUCTS_API_FAULTS = '500:0.2,429:0.2@1';

export interface DemoProductsApiOptions {
  /** A `--faults` spec for the fixture API (default DEMO_PRODUCTS_API_FAULTS; 'none' for none). */
  faults?: string;
}

/** What the demo's product API served during the run. */
export interface DemoProductsApi {
  /** Where it listened (it is stopped when the demo's run ends). */
  url: string;
  catalogue: 'generated';
  /** Products in the catalogue served (the generated catalogue of the demo's seed and scale). */
  products: number;
  faults: string;
  requests: number;
  /** Requests answered with an injected fault, which the HTTP source retried. */
  faulted: { '500': number; '429': number; slow: number; drop: number; truncate: number };
}

/**
 * Runs `work` with the bundled fixture API serving the generated catalogue of `seed` and `scale`
 * on a free 127.0.0.1 port, named to the project's config. The template reads the URL from the
 * environment when the config is loaded (the config module sees process.env, not the run's env),
 * so the variable is set for the length of `work` and put back after. The earlier fetch landed in
 * the project is removed first so that this demo fetches the API again.
 */
export async function withDemoProductsApi<T>(
  projectDir: string,
  options: { seed: number; scale: number } & DemoProductsApiOptions,
  work: (url: string) => Promise<T>,
): Promise<{ result: T; api: DemoProductsApi }> {
  const faults = options.faults ?? DEMO_PRODUCTS_API_FAULTS;
  const spec = parseFaultSpec(faults);
  const api: FixtureApi = await startFixtureApi({
    catalogue: 'generated',
    seed: options.seed,
    scale: options.scale,
    faults: spec,
  });
  const before = process.env[PRODUCTS_API_ENV];
  try {
    await rm(join(projectDir, '.strata', 'http', PRODUCTS_API_SOURCE), { recursive: true, force: true });
    process.env[PRODUCTS_API_ENV] = api.url;
    const result = await work(api.url);
    const stats = api.stats();
    return {
      result,
      api: {
        url: api.url,
        catalogue: 'generated',
        products: catalogueSize(options.scale),
        faults: formatFaultSpec(spec),
        requests: stats.requests,
        faulted: stats.faults,
      },
    };
  } finally {
    if (before === undefined) delete process.env[PRODUCTS_API_ENV];
    else process.env[PRODUCTS_API_ENV] = before;
    await api.close();
  }
}

/** A pack without a product API refuses `--products-api` rather than ignoring it. */
export function productsApiUnsupported(pack: string): StrataError {
  return new StrataError(
    'USAGE',
    `--products-api is for the ecommerce pack; the "${pack}" pack has no product API`,
    {
      field: 'products-api',
      hint: 'Run `strata demo --pack ecommerce --products-api`, or leave --products-api out.',
    },
  );
}
