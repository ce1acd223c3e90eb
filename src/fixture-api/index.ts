/**
 * A local product-catalogue API in the FakeStore shape that misbehaves on purpose. See CONTEXT.md.
 *
 *   GET /products[?limit=N&offset=M&sort=asc|desc]   all products, or one page with a Link header
 *   GET /products/:id                                one product; 404 when unknown
 *   GET /products/categories                         category names
 *   GET /products/category/:name[?limit&offset&sort] the products of one category
 *   GET /health                                      {"status":"ok"}, never faulted
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StrataError } from '../errors/strata-error.ts';
import { buildCatalogue, fakeStoreProduct, type FakeStoreProduct } from '../generate/catalogue.ts';

export type { FakeStoreProduct } from '../generate/catalogue.ts';

/** The catalogue the fixture API serves for `catalogue: 'generated'`, as a list. */
export function generatedCatalogue(seed: number, scale: number): FakeStoreProduct[] {
  const table = buildCatalogue(seed, scale);
  return Array.from({ length: table.size }, (_, i) => fakeStoreProduct(table, i));
}
import { FAKESTORE_PRODUCTS_JSON } from './fakestore-products.ts';
import { faultFor, NO_FAULTS, parseFaultSpec, type FaultKind, type FaultSpec } from './faults.ts';

export {
  faultFor,
  formatFaultSpec,
  NO_FAULTS,
  parseFaultSpec,
  type FaultKind,
  type FaultSpec,
} from './faults.ts';

export interface FixtureApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * 'generated' (default): the catalogue `generate` uses for the same seed and scale. 'fakestore':
   * the real FakeStore snapshot. Or the products themselves (e.g. the generated ones with a price
   * changed, to show an API that changed between two fetches).
   */
  catalogue?: 'generated' | 'fakestore' | readonly FakeStoreProduct[];
  /** Seed of the generated catalogue and of the fault sequence. Default 42. */
  seed?: number;
  /** Size of the generated catalogue (1 ≈ 10,000 products). Default 0.01 (100 products). */
  scale?: number;
  /** A FaultSpec or a `--faults` string. Default: no faults. */
  faults?: FaultSpec | string;
  /** Largest page a client may ask for. Default 1000. */
  maxLimit?: number;
}

export interface FixtureApiStats {
  requests: number;
  faults: Record<FaultKind, number>;
}

export interface FixtureApi {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Requests served and faults injected so far. */
  stats(): FixtureApiStats;
  close(): Promise<void>;
}

interface Catalogue {
  products: FakeStoreProduct[];
  /** Each product's JSON, rendered once. */
  json: string[];
  byId: Map<number, number>;
  categories: string[];
  /** The whole catalogue's body when served unpaged, unsorted (the original bytes for 'fakestore'). */
  all: string;
}

function loadCatalogue(
  kind: 'generated' | 'fakestore' | readonly FakeStoreProduct[],
  seed: number,
  scale: number,
): Catalogue {
  let products: FakeStoreProduct[];
  let all: string | undefined;
  if (typeof kind !== 'string') {
    products = [...kind];
  } else if (kind === 'fakestore') {
    products = JSON.parse(FAKESTORE_PRODUCTS_JSON) as FakeStoreProduct[];
    all = FAKESTORE_PRODUCTS_JSON;
  } else {
    products = generatedCatalogue(seed, scale);
  }
  const json = products.map((p) => JSON.stringify(p));
  return {
    products,
    json,
    byId: new Map(products.map((p, i) => [p.id, i])),
    categories: [...new Set(products.map((p) => p.category))].sort(),
    all: all ?? `[${json.join(',')}]`,
  };
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function nonNegativeInteger(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw new HttpProblem(400, `${name} must be a whole number ≥ 0`);
  return Number(text);
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export async function startFixtureApi(options: FixtureApiOptions = {}): Promise<FixtureApi> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const seed = options.seed ?? 42;
  const scale = options.scale ?? 0.01;
  const maxLimit = options.maxLimit ?? 1000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StrataError('USAGE', `--port must be a whole number from 0 to 65535, got ${String(port)}`, {
      field: 'port',
    });
  }
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw new StrataError('USAGE', `--scale must be above 0 and at most 100, got ${String(scale)}`, {
      field: 'scale',
    });
  }
  const faults: FaultSpec =
    typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? NO_FAULTS);
  const catalogue = loadCatalogue(options.catalogue ?? 'generated', seed, scale);
  const stats: FixtureApiStats = {
    requests: 0,
    faults: { '500': 0, '429': 0, slow: 0, drop: 0, truncate: 0 },
  };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const page = (request: URL, list: number[]): Reply => {
    const params = request.searchParams;
    const limit = nonNegativeInteger(params, 'limit');
    const offset = nonNegativeInteger(params, 'offset') ?? 0;
    const sort = params.get('sort');
    if (sort !== null && sort !== 'asc' && sort !== 'desc')
      throw new HttpProblem(400, "sort must be 'asc' or 'desc'");
    if (limit !== undefined && (limit < 1 || limit > maxLimit)) {
      throw new HttpProblem(400, `limit must be from 1 to ${maxLimit}`);
    }
    const ordered = sort === 'desc' ? [...list].reverse() : list;
    const headers: Record<string, string> = { 'X-Total-Count': String(ordered.length) };
    const whole = limit === undefined && offset === 0 && sort !== 'desc';
    if (whole && list.length === catalogue.products.length)
      return { status: 200, body: catalogue.all, headers };
    const end = limit === undefined ? ordered.length : Math.min(ordered.length, offset + limit);
    const slice = ordered.slice(offset, end);
    if (limit !== undefined && end < ordered.length) {
      const next = new URL(request.href);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('offset', String(end));
      headers.Link = `<${next.href}>; rel="next"`;
    }
    return { status: 200, body: `[${slice.map((i) => catalogue.json[i] as string).join(',')}]`, headers };
  };

  const route = (request: URL): Reply => {
    const path = request.pathname.replace(/\/+$/, '') || '/';
    if (path === '/products')
      return page(
        request,
        catalogue.products.map((_, i) => i),
      );
    if (path === '/products/categories')
      return { status: 200, body: JSON.stringify(catalogue.categories), headers: {} };
    const category = /^\/products\/category\/(.+)$/.exec(path);
    if (category) {
      let name: string;
      try {
        name = decodeURIComponent(category[1] as string);
      } catch {
        throw new HttpProblem(400, 'the category name is not valid URL encoding');
      }
      const list: number[] = [];
      catalogue.products.forEach((p, i) => {
        if (p.category === name) list.push(i);
      });
      return page(request, list);
    }
    const byId = /^\/products\/([^/]+)$/.exec(path);
    if (byId) {
      const text = byId[1] as string;
      if (!/^\d+$/.test(text)) throw new HttpProblem(400, 'a product id is a whole number');
      const index = catalogue.byId.get(Number(text));
      if (index === undefined) throw new HttpProblem(404, `no product with id ${text}`);
      return { status: 200, body: catalogue.json[index] as string, headers: {} };
    }
    throw new HttpProblem(404, `no route ${path}`);
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(reply.body)),
      ...reply.headers,
    });
    res.end(reply.body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const request = new URL(req.url ?? '/', `http://${req.headers.host ?? `${host}:${port}`}`);
    if (request.pathname === '/health') {
      send(res, { status: 200, body: '{"status":"ok"}', headers: {} });
      return;
    }
    stats.requests += 1;
    const number = stats.requests;
    res.setHeader('X-Request-Number', String(number));
    let reply: Reply;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply = {
        status: 405,
        body: JSON.stringify({ error: 'only GET is supported' }),
        headers: { Allow: 'GET' },
      };
    } else {
      try {
        reply = route(request);
      } catch (error) {
        const problem = error instanceof HttpProblem ? error : new HttpProblem(500, 'internal error');
        reply = { status: problem.status, body: JSON.stringify({ error: problem.message }), headers: {} };
      }
    }
    const fault = faultFor(faults, seed, number);
    if (fault) stats.faults[fault] += 1;
    switch (fault) {
      case '500':
        send(res, { status: 500, body: JSON.stringify({ error: 'injected server error' }), headers: {} });
        return;
      case '429':
        send(res, {
          status: 429,
          body: JSON.stringify({ error: 'too many requests' }),
          headers: { 'Retry-After': String(faults.retryAfterSeconds) },
        });
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, reply);
        }, faults.slowMs);
        timers.add(timer);
        return;
      }
      case 'drop': {
        // Headers promise the whole body; half of it is sent, then the connection is destroyed.
        const bytes = Buffer.from(reply.body);
        res.writeHead(reply.status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(bytes.length),
          ...reply.headers,
        });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'truncate': {
        // Well-framed HTTP (Content-Length matches what is sent) carrying a JSON document cut short.
        const bytes = Buffer.from(reply.body);
        const cut = bytes.subarray(0, Math.max(1, Math.floor(bytes.length * 0.6)));
        res.writeHead(reply.status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(cut.length),
          ...reply.headers,
        });
        res.end(cut);
        return;
      }
      default:
        send(res, reply);
    }
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new StrataError(
          'FIXTURE_PORT_IN_USE',
          `The fixture API cannot listen on ${host}:${port}: ${error.message}`,
          {
            field: 'port',
            cause: error,
            hint: error.code === 'EADDRINUSE' ? 'Choose another --port, or 0 for any free port.' : undefined,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    stats: () => ({ requests: stats.requests, faults: { ...stats.faults } }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
