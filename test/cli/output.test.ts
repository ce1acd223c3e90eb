import { describe, expect, it } from 'vitest';
import { csvRecord } from '../../src/api/result-values.ts';
import { formatError } from '../../src/cli/output/error.ts';
import { formatCount, formatDuration } from '../../src/cli/output/format.ts';
import { JsonArrayWriter } from '../../src/cli/output/json.ts';
import { renderTable } from '../../src/cli/output/table.ts';
import { tableCell } from '../../src/cli/output/values.ts';
import { LiveReporter } from '../../src/cli/reporters/live-reporter.ts';
import { PlainReporter } from '../../src/cli/reporters/plain-reporter.ts';
import { plainStyle } from '../../src/cli/reporters/style.ts';
import { type RunEvent, StrataAggregateError, StrataError } from '../../src/index.ts';

function sink(options: { isTTY?: boolean; columns?: number } = {}) {
  const out = { text: '', ...options, write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

const events: RunEvent[] = [
  {
    type: 'run_started',
    runId: 'r1',
    tasks: ['dim_customer', 'bad', 'after'],
    materializations: { dim_customer: 'scd2' },
    engine: 'duckdb:memory',
  },
  { type: 'task_started', runId: 'r1', task: 'dim_customer', attempt: 1 },
  { type: 'task_succeeded', runId: 'r1', task: 'dim_customer', attempt: 1, durationMs: 120, rows: 6 },
  { type: 'task_started', runId: 'r1', task: 'bad', attempt: 1 },
  {
    type: 'task_failed',
    runId: 'r1',
    task: 'bad',
    attempt: 1,
    durationMs: 30,
    error: { code: 'ENGINE_LOCKED', message: 'locked\nmore' },
    retryInMs: 1200,
  },
  {
    type: 'task_failed',
    runId: 'r1',
    task: 'bad',
    attempt: 2,
    durationMs: 40,
    error: { code: 'SQL_FAILED', message: 'Conversion Error' },
  },
  { type: 'task_skipped', runId: 'r1', task: 'after', reason: 'skipped: upstream bad failed' },
  {
    type: 'run_finished',
    runId: 'r1',
    status: 'failed',
    durationMs: 300,
    succeeded: 1,
    failed: 1,
    skipped: 1,
  },
];

describe('formatting', () => {
  it('quotes CSV fields only when RFC 4180 requires it', () => {
    expect(csvRecord(['plain', 'a,b', 'say "hi"', 'x\ny', null, 3, true, [1, 2], { k: 'v' }])).toBe(
      'plain,"a,b","say ""hi""","x\ny",,3,true,"[1,2]","{""k"":""v""}"\n',
    );
  });

  it('aligns tables, numbers to the right', () => {
    const text = renderTable(
      [{ header: 'name' }, { header: 'n', align: 'right' }],
      [
        ['a', '1'],
        ['long name', '1,000'],
      ],
    );
    expect(text).toBe('name           n\n---------  -----\na              1\nlong name  1,000\n');
  });

  it('shows table cells on one line, with NULL for null', () => {
    expect(tableCell(null)).toBe('NULL');
    expect(tableCell('a\nb')).toBe('a\\nb');
    expect(tableCell({ a: [1, 2n] })).toBe('{"a":[1,2]}');
  });

  it('formats durations and counts', () => {
    expect(formatDuration(120)).toBe('0.12s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(null)).toBe('–');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('streams a JSON array that parses, empty or not', async () => {
    const out = sink();
    const writer = new JsonArrayWriter(out);
    await writer.push({ a: 1, big: 2n ** 70n });
    await writer.push({ a: null });
    await writer.end();
    expect(JSON.parse(out.text)).toEqual([{ a: 1, big: '1180591620717411303424' }, { a: null }]);
    const empty = sink();
    await new JsonArrayWriter(empty).end();
    expect(JSON.parse(empty.text)).toEqual([]);
  });

  it('prints each problem of an aggregate with its location and hint', () => {
    const error = new StrataAggregateError('PROJECT_INVALID', [
      new StrataError('REF_UNKNOWN', "ref('x') names no model, seed or source", {
        file: 'models/a.sql',
        line: 3,
        column: 7,
        hint: 'Fix the name.',
      }),
      new StrataError('CONFIG_INVALID', 'run.retries: too big', { file: 'strata.config.ts' }),
    ]);
    expect(formatError(error)).toBe(
      'error[PROJECT_INVALID]: 2 problems in the project definition\n' +
        "  error[REF_UNKNOWN]: ref('x') names no model, seed or source\n" +
        '    --> models/a.sql:3:7\n' +
        '    hint: Fix the name.\n' +
        '  error[CONFIG_INVALID]: run.retries: too big\n' +
        '    --> strata.config.ts\n' +
        '  hint: Fix every problem listed; they were all found in one pass.\n',
    );
  });

  it('shows the cause of an error, and an internal error with its stack', () => {
    const wrapped = new StrataError('ENGINE_OPEN_FAILED', 'could not open', {
      cause: new Error('disk full'),
    });
    expect(formatError(wrapped)).toBe('error[ENGINE_OPEN_FAILED]: could not open\n  cause: disk full\n');
    const internal = formatError(new TypeError('boom'));
    expect(internal).toMatch(/^error\[INTERNAL\]: .*bug in strata\n {2}TypeError: boom\n +at /);
  });
});

describe('run progress', () => {
  const at = new Date(2025, 0, 2, 4, 15, 1);

  it('prints one plain line per event', () => {
    const out = sink();
    const reporter = new PlainReporter(out, () => at);
    for (const event of events) reporter.onEvent(event);
    expect(out.text.split('\n')).toEqual([
      '04:15:01 ▶ run r1  3 tasks  window latest  duckdb:memory',
      '04:15:01 → dim_customer  scd2',
      '04:15:01 ✓ dim_customer  scd2         0.12s  6 rows',
      '04:15:01 → bad',
      '04:15:01 ↻ bad           attempt 1 failed: ENGINE_LOCKED locked; retry in 1.20s',
      '04:15:01 ✗ bad           0.04s  error SQL_FAILED Conversion Error',
      '04:15:01 – after         skipped: upstream bad failed',
      '04:15:01 ■ run r1 failed  1 succeeded, 1 failed, 1 skipped  0.30s',
      '',
    ]);
  });

  it('redraws the running tasks in place on a terminal and leaves only the finished lines', () => {
    const out = sink({ isTTY: true, columns: 80 });
    const reporter = new LiveReporter(out, plainStyle, () => at);
    reporter.onEvent(events[0] as RunEvent);
    reporter.onEvent(events[1] as RunEvent);
    expect(out.text).toMatch(
      / {2}\S dim_customer {2}scd2 +0\.00s\n {2}0\/3 done {2}0 ok {2}0 failed {2}0 skipped {2}1 running\n$/,
    );
    for (const event of events.slice(2)) reporter.onEvent(event);
    reporter.close();
    expect(out.text.endsWith('04:15:01 ■ run r1 failed  1 succeeded, 1 failed, 1 skipped  0.30s\n')).toBe(
      true,
    );
    // Every block drawn was erased again: what stays on screen is the permanent lines.
    expect(screen(out.text)).toEqual([
      '04:15:01 ▶ run r1  3 tasks  window latest  duckdb:memory',
      '04:15:01 ✓ dim_customer  scd2         0.12s  6 rows',
      '04:15:01 ↻ bad           attempt 1 failed: ENGINE_LOCKED locked; retry in 1.20s',
      '04:15:01 ✗ bad           0.04s  error SQL_FAILED Conversion Error',
      '04:15:01 – after         skipped: upstream bad failed',
      '04:15:01 ■ run r1 failed  1 succeeded, 1 failed, 1 skipped  0.30s',
    ]);
  });
});

/** Replays "cursor up N, erase below" sequences to get the lines left on screen. */
function screen(text: string): string[] {
  const lines: string[] = [];
  // eslint-disable-next-line no-control-regex
  for (const part of text.split(/(\x1b\[\d+A\r\x1b\[0J)/)) {
    // eslint-disable-next-line no-control-regex
    const up = /^\x1b\[(\d+)A/.exec(part);
    if (up) lines.splice(lines.length - Number(up[1]));
    else lines.push(...part.split('\n').filter(Boolean));
  }
  return lines;
}
