import { StrataError } from '../errors/strata-error.ts';
import { isValidIdentifier } from '../engine/identifiers.ts';
import { type AttributeKind, COMPONENTS, FORMATS, columnList, isComponentName } from './components.ts';
import type { ComponentBlock, DashboardInput } from './types.ts';

/** An attribute as written: `name="value"` or a bare `name`. */
const ATTRIBUTE = /\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s*=\s*"([^"]*)")?/y;

export interface BuiltComponent {
  block?: ComponentBlock;
  input?: DashboardInput;
  problems: StrataError[];
}

/** One tag's text (`<LineChart data="q" x="day" y="revenue" />`, lines joined) → a component. */
export function buildComponent(tagText: string, line: number, file: string): BuiltComponent {
  const problems: StrataError[] = [];
  const problem = (
    code: 'DASHBOARD_INVALID' | 'DASHBOARD_UNKNOWN_COMPONENT',
    message: string,
    hint?: string,
  ) => problems.push(new StrataError(code, message, { file, line, hint }));

  const match = /^\s*<([A-Za-z0-9]+)([\s\S]*?)\/>\s*$/.exec(tagText);
  if (!match) {
    problem('DASHBOARD_INVALID', 'a component tag must stand alone on its lines and end with />');
    return { problems };
  }
  const name = match[1] ?? '';
  if (!isComponentName(name)) {
    problem(
      'DASHBOARD_UNKNOWN_COMPONENT',
      `unknown component <${name}>`,
      `Use one of ${Object.keys(COMPONENTS).join(', ')}.`,
    );
    return { problems };
  }
  const spec = COMPONENTS[name];
  const attributes = readAttributes(match[2] ?? '', (message) =>
    problem('DASHBOARD_INVALID', `<${name}>: ${message}`),
  );
  if (!attributes) return { problems };

  for (const [key, value] of Object.entries(attributes)) {
    const kind = spec.attributes[key];
    if (!kind) {
      problem(
        'DASHBOARD_INVALID',
        `<${name}> has no attribute "${key}"`,
        `It takes ${Object.keys(spec.attributes).join(', ')}.`,
      );
      continue;
    }
    const complaint = attributeComplaint(kind, value);
    if (complaint) problem('DASHBOARD_INVALID', `<${name}> ${key}: ${complaint}`);
  }
  for (const key of spec.required) {
    if (attributes[key] === undefined) problem('DASHBOARD_INVALID', `<${name}> needs ${key}="..."`);
  }
  if (name === 'DateRange' && attributes.data !== undefined && (!attributes.min || !attributes.max)) {
    problem('DASHBOARD_INVALID', '<DateRange> with data needs min and max: the columns of its bounds');
  }
  // With problems the page is refused anyway; its block is kept so that its data is still checked.
  const valid = problems.length === 0;
  const text = (key: string) => {
    const value = attributes[key];
    return typeof value === 'string' ? value : undefined;
  };
  const columns = Object.entries(attributes).flatMap(([key, value]) => {
    const kind = spec.attributes[key];
    if (typeof value !== 'string') return [];
    if (kind === 'column') return [value];
    if (kind === 'columns') return columnList(value);
    if (name === 'Table' && key === 'sort') return [sortColumn(value)];
    return [];
  });
  const data = text('data');
  const block: ComponentBlock = {
    kind: 'component',
    component: { name, ...(data === undefined ? {} : { data }), attributes, columns },
    line,
  };
  if (!valid) return { block, problems };
  if (spec.input === 'date_range') {
    const inputName = text('name') ?? '';
    const days = text('default') ?? '90';
    const min = text('min');
    const max = text('max');
    const input: DashboardInput = {
      kind: 'date_range',
      name: inputName,
      label: text('label') ?? 'Dates',
      line,
      ...(data === undefined ? {} : { data }),
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
      defaultDays: days === 'all' ? 'all' : Number(days),
    };
    return { block, input, problems };
  }
  if (spec.input === 'dropdown') {
    const all = text('all');
    const input: DashboardInput = {
      kind: 'dropdown',
      name: text('name') ?? '',
      label: text('label') ?? text('name') ?? '',
      line,
      data: data ?? '',
      value: text('value') ?? '',
      ...(all === undefined ? {} : { all }),
    };
    return { block, input, problems };
  }
  return { block, problems };
}

function readAttributes(
  text: string,
  problem: (message: string) => void,
): Record<string, string | true> | undefined {
  const attributes: Record<string, string | true> = {};
  ATTRIBUTE.lastIndex = 0;
  let position = 0;
  while (position < text.length && text.slice(position).trim() !== '') {
    ATTRIBUTE.lastIndex = position;
    const match = ATTRIBUTE.exec(text);
    if (!match || match[0].trim() === '') {
      problem(`cannot read the attributes from "${text.slice(position).trim()}"; write name="value"`);
      return undefined;
    }
    const key = match[1] ?? '';
    if (attributes[key] !== undefined) {
      problem(`the attribute ${key} is given twice`);
      return undefined;
    }
    attributes[key] = match[2] ?? true;
    position = ATTRIBUTE.lastIndex;
  }
  return attributes;
}

/** Why a value does not fit its attribute, or undefined when it does. */
function attributeComplaint(kind: AttributeKind, value: string | true): string | undefined {
  if (kind === 'flag') return value === true ? undefined : 'is a flag: write it bare, without a value';
  if (value === true) return 'needs a value in double quotes';
  switch (kind) {
    case 'query':
    case 'name':
      return isValidIdentifier(value) ? undefined : `"${value}" is not a name (letters, digits, _)`;
    case 'column':
      return value.trim() ? undefined : 'names no column';
    case 'columns':
      return columnList(value).length > 0 ? undefined : 'names no column';
    case 'format':
      return (FORMATS as readonly string[]).includes(value)
        ? undefined
        : `must be one of ${FORMATS.join(', ')}`;
    case 'positive_integer':
      return /^[1-9]\d{0,4}$/.test(value) ? undefined : 'must be a whole number from 1 to 99999';
    case 'days':
      return value === 'all' || /^[1-9]\d{0,4}$/.test(value) ? undefined : 'must be a number of days or all';
    case 'direction':
      return value === 'up' || value === 'down' ? undefined : 'must be up or down';
    case 'text':
      return undefined;
  }
}

/** `revenue desc` → `revenue`. */
export function sortColumn(sort: string): string {
  return sort.trim().replace(/\s+(asc|desc)$/i, '');
}
