// What a project's strata.config.ts may import from 'strata' without installing it (see load-config).
export { defineConfig } from './define-config.ts';
export type { StrataConfig, StrataConfigInput } from './schema.ts';
export { defineContract } from './contract-schema.ts';
export type { ContractInput } from './contract-schema.ts';
export { defineSource } from './source-schema.ts';
export type { SourceConfigInput } from './source-schema.ts';
export type { ScheduleConfigInput } from './schedule-schema.ts';
