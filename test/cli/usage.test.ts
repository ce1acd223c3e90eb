import { describe, expect, it } from 'vitest';
import { cli } from './in-process.ts';
import { explain, strata } from './strata-process.ts';

describe('usage, through the executable', () => {
  it.concurrent('--help exits 0 and prints the commands', async () => {
    const result = await strata(['--help']);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toMatch(/^Usage: strata/);
    for (const command of ['init', 'run', 'runs', 'status', 'query']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it.concurrent('an unknown option exits 2 with a USAGE error', async () => {
    const result = await strata(['run', '--bogus']);
    expect(result.code, explain(result)).toBe(2);
    expect(result.stderr).toMatch(/^error\[USAGE\]: unknown option '--bogus'$/m);
    expect(result.stderr).toContain('strata run --help');
  });
});

describe('usage, in process', () => {
  it.each([[], ['init'], ['run'], ['runs'], ['status'], ['query']])(
    'strata %s --help exits 0',
    async (...command: string[]) => {
      const result = await cli([...command, '--help']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Usage: strata${command.length ? ` ${command[0]}` : ''}`);
      expect(result.stdout).toContain('--project <dir>');
      expect(result.stderr).toBe('');
    },
  );

  it('help COMMAND and --version exit 0', async () => {
    expect((await cli(['help', 'query'])).stdout).toContain('Usage: strata query');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['frob'], /unknown command 'frob'/],
    [['run', '--concurrency', '0'], /--concurrency <n>.*Must be a whole number/],
    [['run', '--format', 'xml'], /Allowed choices are text, json/],
    [['query'], /missing required argument 'sql'/],
    [['runs', 'extra'], /too many arguments/],
  ])('%j is invalid usage: exit 2', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error\[USAGE\]: /);
    expect(result.stderr).toMatch(message);
  });

  it('an unknown command points at the general help, not at a command named by an option value', async () => {
    const result = await cli(['frobnicate', '--project', 'demo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(result.stderr).toContain('Run `strata --help` for the options.');
    expect(result.stderr).not.toContain('strata demo --help');
  });

  it('--help lists every exit code, Ctrl-C included', async () => {
    const help = (await cli(['--help'])).stdout;
    for (const code of ['0 success', '1 a run had failed tasks', '2 invalid usage', '130 interrupted']) {
      expect(help).toContain(code);
    }
  });

  it('no help text line runs past 100 columns', async () => {
    for (const command of ['demo', 'run', 'init', 'quarantine', 'generate']) {
      const lines = (await cli([command, '--help'])).stdout.split('\n');
      expect(
        lines.filter((line) => line.length > 100),
        command,
      ).toEqual([]);
    }
  });

  it('a suggestion from commander becomes the hint', async () => {
    const result = await cli(['run', '--dat', '2025-01-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hint: Did you mean --date\?/);
  });

  it('with --log-format json a usage error is one JSON line', async () => {
    const result = await cli(['--log-format', 'json', 'run', '--bogus']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ code: 'USAGE', message: "unknown option '--bogus'" });
  });

  it('--date with --from is a USAGE error before any project is opened', async () => {
    const result = await cli([
      'run',
      '--date',
      '2025-01-01',
      '--from',
      '2025-01-01',
      '--project',
      '/nonexistent',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error\[USAGE\]: --date cannot be combined/);
  });

  it('a folder without a project is reported as CONFIG_NOT_FOUND, exit 2', async () => {
    const result = await cli(['status', '--project', '/nonexistent/strata-project']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error\[CONFIG_NOT_FOUND\]/);
  });
});
