import type { Draft } from './draft.ts';

/** A value as TypeScript source: strings single-quoted, arrays and plain objects inline. */
export function tsValue(value: unknown): string {
  // JSON's escapes (\\, \t, \n, \u0000 ...), in single quotes.
  if (typeof value === 'string')
    return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tsValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${tsKey(k)}: ${tsValue(v)}`).join(', ')} }`;
  }
  return 'undefined';
}

function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : tsValue(key);
}

function comment(note: string | undefined): string {
  return note ? ` // ${note.replace(/\n/g, ' ')}` : '';
}

/** Wraps a remark into `//` lines of at most `width` characters. */
function commentLines(text: string, indent: string, width = 100): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && indent.length + 3 + line.length + 1 + word.length > width) {
      lines.push(`${indent}// ${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${indent}// ${line}`);
  return lines;
}

export interface RenderOptions {
  /** What the sample was, for the header: e.g. "orders.csv (232 records read)". */
  sampleText: string;
  /** The module path strata.config.ts would import the draft from. */
  importPath: string;
}

/**
 * The draft as a TypeScript module exporting the source (`export const orders = defineSource({...})`),
 * with a header saying how to use it, what the draft is unsure of, and remarks beside the lines.
 */
export function renderDraft(draft: Draft, options: RenderOptions): string {
  const { source, notes } = draft;
  const out: string[] = [];
  out.push(
    ...commentLines(
      `Drafted by \`strata infer\` from ${options.sampleText}. Check every type, \`required\` and the key, then add the source to strata.config.ts:`,
      '',
    ),
    `//   import { ${draft.name} } from '${options.importPath}';`,
    `//   export default defineConfig({ sources: { ${draft.name} }, ... });`,
  );
  if (draft.unsure.length > 0) {
    out.push('//', '// Unsure:');
    for (const item of draft.unsure) {
      const [first, ...others] = commentLines(item.message, '', 97);
      out.push(`// - ${(first ?? '').slice(3)}`, ...others.map((l) => `//   ${l.slice(3)}`));
    }
  }
  out.push('', `import { defineSource } from 'strata';`, '', `export const ${draft.name} = defineSource({`);
  const files = source.files;
  out.push(`  files: ${tsValue(files)},`);
  if (source.loadDate) out.push(`  loadDate: ${tsValue(source.loadDate)},${comment(notes.loadDate)}`);
  if (source.csv) out.push(`  csv: ${tsValue(source.csv)},${comment(notes.csv)}`);
  out.push('  contract: {');
  const contract = source.contract;
  if (contract.uniqueKey)
    out.push(`    uniqueKey: ${tsValue(contract.uniqueKey)},${comment(notes.uniqueKey)}`);
  if (contract.nullValues) out.push(`    nullValues: ${tsValue(contract.nullValues)},`);
  out.push('    fields: {');
  for (const [name, field] of Object.entries(contract.fields)) {
    if (field.type !== 'array') {
      out.push(`      ${tsKey(name)}: ${tsValue(field)},${comment(notes.fields[name])}`);
      continue;
    }
    // An array's items, one per line.
    const { items, ...array } = field;
    const head = tsValue(array).replace(/ }$/, ',');
    out.push(`      ${tsKey(name)}: ${head}${comment(notes.fields[name])}`, '        items: {');
    for (const [item, spec] of Object.entries(items)) out.push(`          ${tsKey(item)}: ${tsValue(spec)},`);
    out.push('        },', '      },');
  }
  out.push('    },', '  },', '});', '');
  return out.join('\n');
}
