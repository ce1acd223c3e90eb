import { describe, expect, it } from 'vitest';
import { baseName, parseModel } from './parse-model.ts';

function targetOf(pathInModels: string, text = 'select 1', defaultSchema = 'warehouse') {
  const { model, problems } = parseModel(
    { file: `models/${pathInModels}`, pathInModels, text },
    defaultSchema,
  );
  expect(problems).toEqual([]);
  return model?.target;
}

describe('parseModel', () => {
  it('names the model after its file', () => {
    expect(targetOf('stg_orders.sql')?.name).toBe('stg_orders');
    expect(baseName('staging/legacy/stg_refunds.sql')).toBe('stg_refunds');
    expect(baseName('a.b.sql')).toBe('a.b');
  });

  it('takes the schema from the first folder under models/', () => {
    expect(targetOf('staging/stg_orders.sql')).toEqual({ schema: 'staging', name: 'stg_orders' });
    expect(targetOf('marts/finance/revenue.sql')).toEqual({ schema: 'marts', name: 'revenue' });
  });

  it('lets the header’s schema win over the folder', () => {
    const text = '/*---\nschema: reporting\n---*/\nselect 1';
    expect(targetOf('marts/revenue.sql', text)).toEqual({ schema: 'reporting', name: 'revenue' });
  });

  it('uses the default schema for a model directly in models/ or in a folder that is no identifier', () => {
    expect(targetOf('fct_orders.sql')).toEqual({ schema: 'warehouse', name: 'fct_orders' });
    expect(targetOf('fct_orders.sql', 'select 1', 'core')).toEqual({ schema: 'core', name: 'fct_orders' });
    expect(targetOf('by-hand/fct_orders.sql')).toEqual({ schema: 'warehouse', name: 'fct_orders' });
  });

  it('reports a file name that is no identifier, along with the file’s other problems', () => {
    const { model, problems } = parseModel(
      {
        file: 'models/staging/stg-orders.sql',
        pathInModels: 'staging/stg-orders.sql',
        text: 'select {{ x }}',
      },
      'warehouse',
    );
    expect(model).toBeUndefined();
    expect(problems.map((p) => [p.code, p.message, p.location])).toEqual([
      [
        'MODEL_NAME_INVALID',
        'model file name "stg-orders" is not a valid identifier',
        { file: 'models/staging/stg-orders.sql' },
      ],
      [
        'TEMPLATE_UNKNOWN',
        'unknown template expression {{ x }}',
        { file: 'models/staging/stg-orders.sql', line: 1, column: 8 },
      ],
    ]);
  });

  it('reports an unterminated header together with a bad file name', () => {
    const { problems } = parseModel(
      { file: 'models/1st.sql', pathInModels: '1st.sql', text: '/*---\nmaterialized: table\n' },
      'warehouse',
    );
    expect(problems.map((p) => p.code)).toEqual(['MODEL_NAME_INVALID', 'HEADER_UNTERMINATED']);
  });
});
