import type { PreparedRawLoads, RawLoadRequest, RawLoadResult, Session } from './types.ts';

/** Raw loads with nothing read ahead: each file is loaded on its own, in request order. */
export function oneByOne(
  requests: readonly RawLoadRequest[],
  loadRaw: (request: RawLoadRequest, session: Session) => Promise<RawLoadResult>,
): PreparedRawLoads {
  return {
    async load(session) {
      const results: RawLoadResult[] = [];
      for (const request of requests) results.push(await loadRaw(request, session));
      return results;
    },
    dispose: () => Promise.resolve(),
  };
}
