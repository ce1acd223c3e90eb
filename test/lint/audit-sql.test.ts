import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function lint(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const AUDIT_SQL = /^no-restricted-syntax: SQL on audit\.\* tables lives in src\/audit\//;

describe('SQL on the audit tables stays in src/audit/', () => {
  it('reports a query naming an audit table in a string or a template, in any folder above audit/', async () => {
    const code = [
      "import type { Engine } from '../engine/types.ts';",
      'export const runs = (engine: Engine) =>',
      "  engine.query('SELECT run_id FROM audit.pipeline_runs');",
      'export const loads = (engine: Engine, table: string) =>',
      '  engine.execute(`INSERT INTO audit.source_loads SELECT * FROM ${table}`);',
      "export const joined = 'SELECT 1 FROM x\\n  join Audit.dq_results AS d ON true';",
      '',
    ].join('\n');
    for (const file of ['src/api/planted.ts', 'src/runner/planted.ts', 'src/sources/planted.ts']) {
      const messages = await lint(code, file);
      expect(messages, file).toEqual([
        expect.stringMatching(AUDIT_SQL),
        expect.stringMatching(AUDIT_SQL),
        expect.stringMatching(AUDIT_SQL),
      ]);
    }
  });

  it('reports it in the CLI entry point too, which alone may exit the process', async () => {
    const messages = await lint(
      "export const q = 'UPDATE audit.task_runs SET status = 1';\nprocess.exit(0);\n",
      'src/cli/main.ts',
    );
    expect(messages).toEqual([expect.stringMatching(AUDIT_SQL)]);
  });

  it('still reports process.exit outside the CLI entry point, next to the audit rule', async () => {
    const messages = await lint(
      "export const q = 'SELECT * FROM audit.alerts';\nprocess.exit(1);\n",
      'src/api/planted.ts',
    );
    expect(messages).toEqual([
      expect.stringMatching(AUDIT_SQL),
      'no-restricted-syntax: Only the CLI entry point (src/cli/main.ts) exits the process.',
    ]);
  });

  it('lets audit/ itself, tests, comments and messages naming a table through', async () => {
    const query = "export const q = 'SELECT run_id FROM audit.pipeline_runs';\n";
    expect(await lint(query, 'src/audit/planted.ts')).toEqual([]);
    expect(await lint(query, 'src/api/planted.test.ts')).toEqual([]);
    const prose = [
      '/** Reads audit.pipeline_runs through audit/runs.ts; FROM audit.runs in a comment is fine. */',
      "export const hint = 'Failing rows are sampled in audit.dq_results (`strata runs --run <id>`).';",
      '',
    ].join('\n');
    expect(await lint(prose, 'src/runner/planted.ts')).toEqual([]);
  });
});
