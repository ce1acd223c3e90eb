/**
 * Names for a draft contract: a file's own column names in snake_case (`customerID` →
 * `customer_id`, `Order Date` → `order_date`, `INVOICEDATE` → `invoicedate`), each a SQL
 * identifier, none twice.
 */
export function snakeCase(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A field name for each source name, in order: snake_case, a SQL identifier, unique. */
export function fieldNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name, i) => {
    let base = snakeCase(name);
    if (base === '') base = `field_${i + 1}`;
    if (/^[0-9]/.test(base)) base = `f_${base}`;
    base = base.slice(0, 60);
    let unique = base;
    for (let n = 2; taken.has(unique); n++) unique = `${base}_${n}`;
    taken.add(unique);
    return unique;
  });
}

/**
 * A source name from its first file: the file's name without extensions and dates
 * (`exports/orders/2025-03-14.csv` → `orders`, `Telco-Customer-Churn.csv.gz` →
 * `telco_customer_churn`), else its folder's, else `source`.
 */
export function sourceName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  for (const part of [...parts].reverse()) {
    const bare = part
      .replace(/(\.(gz|csv|tsv|json|ndjson|jsonl|parquet))+$/i, '')
      .replace(/\d{4}-\d{2}-\d{2}/g, '');
    const name = snakeCase(bare);
    if (name !== '' && /^[a-z_]/.test(name)) return name.slice(0, 60);
  }
  return 'source';
}

/** Whether a field's name says it identifies something (`id`, `customer_id`, `invoice_no`, `sku`). */
export function looksLikeId(field: string): boolean {
  return /(^|_)(id|key|code|no|nr|num|number|sku|uuid|guid)$/.test(field);
}
