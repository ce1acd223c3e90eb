/**
 * Every session runs in UTC with ISO dates, whatever the server's defaults, and without nested-loop
 * joins unless nothing else can run the join. strata's statements join the results of window
 * functions and CTEs (the latest version per key, the records a day touched), whose row counts
 * PostgreSQL cannot estimate: it guessed 95 rows for 7,936 and picked nested loops that made one
 * upsert 20 times slower (5.7 s against 0.3 s) in a third of the runs. Hash and merge joins cost the
 * same whatever the guess. BI tools on their own connections are not affected.
 */
export const STRATA_SESSION_OPTIONS =
  '-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=1 -c enable_nestloop=off';

export interface SessionConnection {
  /** The URL without its `options` parameter: node-postgres would let it replace the merged ones. */
  connectionString: string;
  /** The server settings a session starts with: the user's, then strata's (the last of a name wins). */
  options: string;
}

/**
 * The user's own session settings kept beside strata's: those in the URL's `options` parameter
 * (`?options=-c%20work_mem%3D64MB`, as libpq reads it) and in PGOPTIONS. Both have to be merged
 * here: node-postgres reads PGOPTIONS only when no `options` is given, and lets a URL's `options`
 * replace the one given. strata's come last, so a user's TimeZone or DateStyle cannot change how
 * strata reads dates; anything else (work_mem, statement_timeout, search_path...) holds.
 */
export function sessionConnection(url: string, env: NodeJS.ProcessEnv = process.env): SessionConnection {
  let fromUrl: string | null = null;
  let connectionString = url;
  try {
    const parsed = new URL(url);
    fromUrl = parsed.searchParams.get('options');
    if (fromUrl !== null) {
      parsed.searchParams.delete('options');
      connectionString = parsed.toString();
    }
  } catch {
    // An unparsable URL is reported where the engine describes it; nothing to keep here.
  }
  const options = [fromUrl, env.PGOPTIONS, STRATA_SESSION_OPTIONS]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part))
    .join(' ');
  return { connectionString, options };
}
