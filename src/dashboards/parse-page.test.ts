import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../engine/duckdb/dialect.ts';
import { parsePage } from './parse-page.ts';
import { renderQuery } from './render-query.ts';
import { resolveInputs } from './resolve-inputs.ts';
import { unknownRefs } from './validate-page.ts';

const parse = (text: string, name = 'page') => parsePage({ file: `dashboards/${name}.md`, name, text });
const problems = (text: string) =>
  parse(text).problems.map((p) => ({ code: p.code, line: p.location.line, message: p.message }));

const PAGE = `---
title: Revenue
description: Money in.
order: 5
---

# Ignored heading for the title

Some **prose**.

<!-- a note for authors
<KPI data="nope" value="x" />
-->

\`\`\`sql totals
SELECT sum(amount) AS amount FROM {{ ref('orders') }}
WHERE day BETWEEN {{ inputs.period.from }} AND {{ inputs.period.to }} AND ({{ inputs.region }} IS NULL OR region = {{ inputs.region }});
\`\`\`

\`\`\`sql regions
SELECT DISTINCT region FROM {{ ref('orders') }}
\`\`\`

\`\`\`text
<Unknown inside a code block is prose />
\`\`\`

<DateRange name="period" default="all" />
<Dropdown name="region" data="regions" value="region" all="All" label="Region" />
<BarChart data="totals"
  x="region" y="amount, units" stacked
/>
`;

describe('a page file', () => {
  it('parses front matter, prose, queries, components and inputs, with lines', () => {
    const { page, problems: found } = parse(PAGE);
    expect(found).toEqual([]);
    expect(page).toMatchObject({
      name: 'page',
      title: 'Revenue',
      description: 'Money in.',
      order: 5,
      refs: ['orders'],
    });
    expect(page?.queries.map((q) => [q.name, q.line])).toEqual([
      ['totals', 15],
      ['regions', 20],
    ]);
    expect(page?.blocks.map((b) => (b.kind === 'markdown' ? 'markdown' : b.component.name))).toEqual([
      'markdown',
      'markdown',
      'DateRange',
      'Dropdown',
      'BarChart',
    ]);
    const chart = page?.blocks.at(-1);
    expect(chart).toMatchObject({
      line: 30,
      component: {
        data: 'totals',
        attributes: { stacked: true, y: 'amount, units' },
        columns: ['region', 'amount', 'units'],
      },
    });
    expect(page?.inputs).toEqual([
      { kind: 'date_range', name: 'period', label: 'Dates', line: 28, defaultDays: 'all' },
      {
        kind: 'dropdown',
        name: 'region',
        label: 'Region',
        line: 29,
        data: 'regions',
        value: 'region',
        all: 'All',
      },
    ]);
    expect(page?.blocks[0]).toMatchObject({ kind: 'markdown', markdown: expect.not.stringContaining('KPI') });
  });

  it('takes its title from the first heading when the front matter has none, else its name', () => {
    expect(parse('# Daily sales\n\ntext').page?.title).toBe('Daily sales');
    expect(parse('text only', 'plain').page?.title).toBe('plain');
  });

  it('renders each input as one typed parameter however often it is used', () => {
    const { page } = parse(PAGE);
    const totals = page?.queries[0];
    if (!totals || !page) throw new Error('no query');
    const inputs = resolveInputs(
      page.inputs,
      new URLSearchParams('period_from=2025-01-01&period_to=2025-01-31&region=EU'),
      new Map(),
      '2025-06-01',
    );
    const statement = renderQuery(totals, {
      dialect: duckdbDialect,
      resolve: (name) => ({ schema: 'marts', name }),
      inputs,
    });
    expect(statement.sql).toBe(
      'SELECT sum(amount) AS amount FROM "marts"."orders"\nWHERE day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND (CAST($3 AS VARCHAR) IS NULL OR region = CAST($3 AS VARCHAR))',
    );
    expect(statement.params).toEqual(['2025-01-01', '2025-01-31', 'EU']);
  });
});

describe('problems, all reported together with their lines', () => {
  it('an unknown component, attribute, query and input, and a missing attribute', () => {
    const text = [
      '```sql q',
      'SELECT {{ inputs.missing }} AS x, {{ nonsense }}',
      '```',
      '<Sparkline data="q" />',
      '<LineChart data="q" x="a" />',
      '<Table data="other" colour="red" />',
      '<KPI data="q" value="x" format="money" />',
    ].join('\n');
    expect(problems(text)).toEqual([
      { code: 'TEMPLATE_UNKNOWN', line: 2, message: expect.stringContaining('nonsense') },
      { code: 'DASHBOARD_UNKNOWN_COMPONENT', line: 4, message: 'unknown component <Sparkline>' },
      { code: 'DASHBOARD_INVALID', line: 5, message: '<LineChart> needs y="..."' },
      { code: 'DASHBOARD_INVALID', line: 6, message: '<Table> has no attribute "colour"' },
      { code: 'DASHBOARD_INVALID', line: 7, message: expect.stringContaining('format: must be one of') },
      { code: 'DASHBOARD_UNKNOWN_QUERY', line: 6, message: expect.stringContaining('other') },
      { code: 'DASHBOARD_UNKNOWN_INPUT', line: 2, message: expect.stringContaining('no input missing') },
    ]);
  });

  it('a date range used without its bound, a dropdown with one, an input reading inputs', () => {
    const text = [
      '```sql q',
      'SELECT {{ inputs.period }}, {{ inputs.pick.from }}',
      '```',
      '```sql opts',
      'SELECT {{ inputs.period.from }} AS v',
      '```',
      '<DateRange name="period" />',
      '<Dropdown name="pick" data="opts" value="v" />',
    ].join('\n');
    expect(problems(text).map((p) => [p.code, p.line])).toEqual([
      ['DASHBOARD_UNKNOWN_INPUT', 2],
      ['DASHBOARD_UNKNOWN_INPUT', 2],
      ['DASHBOARD_INVALID', 8],
    ]);
  });

  it('unclosed queries, tags and front matter, bad YAML keys and duplicate names', () => {
    expect(problems('---\ntitle: x\n')[0]).toMatchObject({ code: 'DASHBOARD_INVALID', line: 1 });
    expect(problems('---\ncolour: red\n---\n')[0]).toMatchObject({
      line: 2,
      message: 'unknown front matter key "colour"',
    });
    expect(problems('```sql q\nSELECT 1\n')[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining('never closed'),
    });
    expect(problems('<Table data="q"\n')[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining('never closed'),
    });
    expect(problems('```sql q\nSELECT 1\n```\n```sql q\nSELECT 2\n```')[0]).toMatchObject({
      line: 4,
      message: 'a second query named q',
    });
    expect(problems('<Table data=q />')[0]?.message).toContain('cannot read the attributes');
    expect(parse('x', 'Bad Name').problems[0]?.message).toContain('not a URL-safe name');
  });

  it('refuses a page named monitor: that address is the pipeline monitor', () => {
    const parsed = parse('# Monitor', 'monitor');
    expect(parsed.page).toBeUndefined();
    expect(parsed.problems.map((p) => [p.code, p.location.line])).toEqual([['DASHBOARD_INVALID', 1]]);
    expect(parsed.problems[0]?.message).toContain('/<project>/monitor is the pipeline monitor');
    expect(parse('# Monitoring', 'monitoring').page).toBeDefined();
  });

  it('a ref to a model the project does not have', () => {
    const { page } = parse("```sql q\nSELECT 1 FROM {{ ref('nope') }}\n```");
    if (!page) throw new Error('no page');
    expect(unknownRefs(page, (name) => name === 'orders').map((p) => [p.code, p.location.line])).toEqual([
      ['DASHBOARD_UNKNOWN_REF', 2],
    ]);
  });
});

describe('input values', () => {
  const { page } = parse(
    '<DateRange name="period" data="b" min="lo" max="hi" default="7" />\n<Dropdown name="c" data="o" value="v" />\n```sql b\nSELECT 1\n```\n```sql o\nSELECT 1\n```',
  );
  const inputs = page?.inputs ?? [];
  const choices = new Map([
    ['period', { kind: 'date_range' as const, min: '2025-01-01', max: '2025-03-31' }],
    ['c', { kind: 'dropdown' as const, options: ['a', 'b'] }],
  ]);

  it('default to the last days up to the data, the first choice, and the period before', () => {
    expect(Object.fromEntries(resolveInputs(inputs, new URLSearchParams(), choices, '2026-01-01'))).toEqual({
      period: {
        kind: 'date_range',
        from: '2025-03-25',
        to: '2025-03-31',
        previous_from: '2025-03-18',
        previous_to: '2025-03-24',
      },
      c: { kind: 'dropdown', value: 'a' },
    });
  });

  it('refuse a value that is not a date or not a choice', () => {
    expect(() =>
      resolveInputs(inputs, new URLSearchParams('period_to=31/03/2025'), choices, '2026-01-01'),
    ).toThrow(/period_to must be a date/);
    expect(() => resolveInputs(inputs, new URLSearchParams('c=z'), choices, '2026-01-01')).toThrow(
      /not one of its choices/,
    );
  });
});

describe('a Table with column formats', () => {
  it('names the formatted columns for checking, and refuses a format it does not know', () => {
    const ok = parse(
      '```sql q\nSELECT 1\n```\n<Table data="q" formats="margin_rate:percent, revenue:currency" />',
    );
    expect(ok.problems).toEqual([]);
    expect(ok.page?.blocks.at(-1)).toMatchObject({ component: { columns: ['margin_rate', 'revenue'] } });
    expect(
      problems('```sql q\nSELECT 1\n```\n<Table data="q" formats="margin_rate:pct" />')[0]?.message,
    ).toContain('"margin_rate:pct" is not column:format');
  });
});
