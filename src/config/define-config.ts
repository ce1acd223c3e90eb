import type { StrataConfigInput } from './schema.ts';

/**
 * Types a project's configuration. It returns its argument unchanged: validation happens when
 * strata loads the project, so every problem in the file is reported together with its key.
 */
export function defineConfig(config: StrataConfigInput): StrataConfigInput {
  return config;
}
