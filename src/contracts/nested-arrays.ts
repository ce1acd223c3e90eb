import { cleanText } from './clean-text.ts';
import { type ContractFields, arrayColumn, arrayFieldNamed, valueColumn } from './contract-fields.ts';
import { typedValueColumns } from './typed-value.ts';

/**
 * One nested array's elements, typed like records (cleaned `<item>__text`, then typed values):
 * record_key, item_position. Elements come from parsed JSON records only. Each element is parsed
 * once for all its items' texts (Dialect.jsonTexts), and neither the record nor its lineage is
 * carried: copied to each of its elements, the record cost more than typing them, and the lineage
 * (its file's path among it) only the few elements with a violation need (see violations.ts
 * `suspects`, which joins it back).
 */
export function arrayElements(fields: ContractFields, typedRelation: string, arrayField: string): string {
  const { dialect, nulls } = fields;
  const field = arrayFieldNamed(fields, arrayField);
  const items = Object.entries(field.items);
  const array = arrayColumn(fields, arrayField);
  const parents = `SELECT record_key, ${array} FROM ${typedRelation} WHERE ${array} IS NOT NULL`;
  const unnested = dialect.unnestJsonArray(parents, `src.${array}`);
  const itemTexts = dialect.jsonTexts(
    'u.strata_item',
    items.map(([name, spec]) => spec.from ?? name),
    'strata_item_texts',
  );
  const extracted = dialect.computedOnce(
    `SELECT ${['u.record_key', 'u.strata_item_position', ...itemTexts.select].join(', ')}
      FROM (${unnested}) AS u`,
  );
  const texts = items.map(
    ([name, spec], i) =>
      `${cleanText(dialect, itemTexts.text(i), spec, nulls)} AS ${dialect.quoteIdentifier(`${name}__text`)}`,
  );
  const values = typedValueColumns(dialect, items);
  const cleaned =
    dialect.computedOnce(`SELECT x.record_key, x.strata_item_position AS item_position${texts.length ? `, ${texts.join(', ')}` : ''}
      FROM (${extracted}) AS x`);
  return `SELECT e.*${values.length ? `, ${values.join(', ')}` : ''}
FROM (${cleaned}) AS e`;
}

/**
 * The child rows of one nested array, for staged records only: the parent's key (or, without a
 * unique key, its file and position), the element's position and values, and lineage.
 */
export function childRows(
  fields: ContractFields,
  typedRelation: string,
  elementsRelation: string,
  arrayField: string,
): string {
  const { key } = fields;
  const q = (name: string) => fields.dialect.quoteIdentifier(name);
  const field = arrayFieldNamed(fields, arrayField);
  const parentColumns = key.length
    ? key.map((k) => `t.${valueColumn(fields, k)} AS ${q(k)}`)
    : ['t.source_file AS _source_file', 't.record_position AS _record_position'];
  const items = Object.entries(field.items).map(
    ([item, spec]) => `e.${valueColumn(fields, item, spec)} AS ${q(item)}`,
  );
  return `SELECT ${[...parentColumns, 'e.item_position', ...items, 't.load_date', 't.ingestion_id AS _ingestion_id'].join(', ')}
FROM ${elementsRelation} AS e JOIN ${typedRelation} AS t ON t.record_key = e.record_key WHERE t.strata_staged`;
}
