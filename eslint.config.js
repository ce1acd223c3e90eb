import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { LAYERS, layerZones } from './layers.js';

/** Packages that only an engine adapter may load: everything else reaches a database through `Engine`. */
const DRIVERS = ['@duckdb/node-api', 'pg', 'pg-copy-streams'];
const FILESYSTEM = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises'];

const PROCESS_EXIT = {
  selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
  message: 'Only the CLI entry point (src/cli/main.ts) exits the process.',
};

/**
 * SQL naming an audit table (after FROM, JOIN, INTO, UPDATE or TABLE) outside src/audit/: every
 * read and write of the audit schema is a function of audit/, the one place the web layer reads it
 * through. Comments, messages that name a table, and tests are not SQL and stay free.
 */
const AUDIT_TABLE = String.raw`/\b(?:from|join|into|update|table)\s+audit\.[a-z_]+/i`;
const AUDIT_MESSAGE = 'SQL on audit.* tables lives in src/audit/: call (or add) a function there.';
const AUDIT_SQL = [
  { selector: `Literal[value=${AUDIT_TABLE}]`, message: AUDIT_MESSAGE },
  { selector: `TemplateElement[value.raw=${AUDIT_TABLE}]`, message: AUDIT_MESSAGE },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'scratch/**',
      'strata-demo/**',
      'src/templates/**/strata.config.ts',
      // Planted violations that test/lint proves ESLint reports; linted only by that test.
      'test/lint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // import-x ignores files it has no parser for: without these it follows no `.ts` import at
      // all and `no-cycle` passes on any cycle.
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.js', '.mjs'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-unresolved': ['error', { ignore: ['^strata$'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', PROCESS_EXIT],
    },
  },
  {
    // audit/ owns the audit schema. One no-restricted-syntax per file: a later config object's
    // replaces an earlier one's, so each lists every selector that applies to its files.
    files: ['src/**/*.ts', 'src/**/*.mjs', 'src/**/*.js'],
    ignores: ['**/*.test.ts', 'src/audit/**'],
    rules: { 'no-restricted-syntax': ['error', PROCESS_EXIT, ...AUDIT_SQL] },
  },
  {
    // The layers of src/ (layers.js): a folder imports only the folders below it that it names.
    files: ['src/**/*.ts', 'src/**/*.mjs', 'src/**/*.js'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones(LAYERS) }] },
  },
  {
    // Drivers are loaded by the engine adapters alone.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/engine/duckdb/**', 'src/engine/postgres/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DRIVERS.map((name) => ({
            name,
            message: 'Only src/engine/duckdb and src/engine/postgres load a driver.',
          })),
        },
      ],
    },
  },
  {
    // Planning and SQL rendering stay pure: no drivers, no filesystem, no adapter.
    files: [
      'src/models/**',
      'src/dashboards/**',
      'src/materialize/**',
      'src/contracts/**',
      'src/checks/render.ts',
      'src/checks/collect.ts',
      'src/checks/types.ts',
      'src/time/**',
      'src/engine/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...FILESYSTEM, ...DRIVERS].map((name) => ({
            name,
            message:
              'Planning and SQL rendering import no driver and no filesystem: take the data as an argument.',
          })),
          patterns: [
            {
              group: ['**/engine/duckdb/**', '**/engine/postgres/**', '**/engine/open/**'],
              message:
                'Planning and SQL rendering use the Engine/Dialect interface (engine/types.ts), never an adapter.',
            },
          ],
        },
      ],
    },
  },
  {
    // The browser code (src/web/, bundled by scripts/build.mjs): no Node module, and of the
    // dashboards layer only the shapes of the JSON the API answers, as types.
    files: ['src/web/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/dashboards/*'],
              allowTypeImports: true,
              message:
                'src/web/ imports only types from dashboards/ (views.ts, types.ts, monitor-*-views.ts): it runs in the browser.',
            },
            { group: ['node:*'], message: 'src/web/ runs in the browser: no Node module.' },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript that Node runs as it is (bin/, scripts/build.mjs, loader hooks): Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', performance: 'readonly' } },
  },
  {
    // Process entry points: the CLI, and the throwaway PostgreSQL server run as a child process.
    files: ['bin/**', 'test/support/throwaway-postgres.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/cli/main.ts'],
    rules: { 'no-restricted-syntax': ['error', ...AUDIT_SQL] },
  },
);
