/** What `strata serve` uses unless told otherwise (kept apart so the CLI can name them cheaply). */
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const SERVE_TOKEN_ENV = 'STRATA_SERVE_TOKEN';
