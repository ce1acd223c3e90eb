import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'scratch/**',
      'strata-demo/**',
      'src/templates/**/strata.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Only the CLI entry point (src/cli/main.ts) exits the process.',
        },
      ],
    },
  },
  {
    // Process entry points: the CLI, and the test PostgreSQL server run as a child process.
    files: ['src/cli/main.ts', 'bin/**', 'test/support/embedded-postgres-server.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Planning and SQL rendering stay pure: no drivers, no filesystem.
    files: ['src/models/**', 'src/plan/**', 'src/materialize/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', '@duckdb/node-api', 'pg'],
          patterns: ['**/engine/duckdb/**', '**/engine/postgres/**'],
        },
      ],
    },
  },
);
