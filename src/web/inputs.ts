/**
 * The page's inputs: DateRange (two date fields bounded by the data's min and max) and Dropdown
 * (a select; the `all` choice is the empty value, i.e. no parameter). A change hands the new URL
 * parameters to the page, which rewrites the address and queries again.
 */
import type { InputView } from '../dashboards/views.ts';
import type { ComponentBlock } from './components/card.ts';
import { el } from './dom.ts';

export type InputChange = (set: Record<string, string | null>) => void;

/** The URL parameters of an input's resolved value (what the queries are sent). */
export function inputParams(input: InputView): Record<string, string | null> {
  return input.kind === 'date_range'
    ? { [`${input.name}_from`]: input.from, [`${input.name}_to`]: input.to }
    : { [input.name]: input.value };
}

export function renderInput(
  block: ComponentBlock,
  input: InputView | undefined,
  onChange: InputChange,
): HTMLElement {
  const root = el('div', {
    class: `input input-${block.component === 'DateRange' ? 'date-range' : 'dropdown'}`,
    'data-component': block.component,
    'data-query': block.data,
    'data-block': block.id,
    'data-input': input?.name,
    'data-state': 'ready',
  });
  if (!input) {
    root.dataset.state = 'error';
    root.append(
      el('span', { class: 'input-label' }, String(block.attributes.name ?? block.component)),
      el('span', { class: 'input-error' }, 'no value from the server'),
    );
    return root;
  }
  if (input.kind === 'date_range') {
    const from = dateField(`${input.name}_from`, input.from, input.min, input.max, `${input.label}: from`);
    const to = dateField(`${input.name}_to`, input.to, input.min, input.max, `${input.label}: to`);
    const changed = (): void => {
      // An inverted range is made a single day rather than sent to the server to be refused.
      if (from.value && to.value && from.value > to.value) {
        if (document.activeElement === to) from.value = to.value;
        else to.value = from.value;
      }
      onChange({ [`${input.name}_from`]: from.value || null, [`${input.name}_to`]: to.value || null });
    };
    from.addEventListener('change', changed);
    to.addEventListener('change', changed);
    root.append(
      el('span', { class: 'input-label' }, input.label),
      el(
        'span',
        { class: 'date-fields' },
        from,
        el('span', { class: 'date-dash', 'aria-hidden': 'true' }, '–'),
        to,
      ),
    );
    return root;
  }
  const select = el('select', { name: input.name, 'aria-label': input.label });
  if (input.all !== undefined) select.append(el('option', { value: '' }, input.all));
  for (const option of input.options) select.append(el('option', { value: option }, option));
  select.value = input.value ?? (input.all !== undefined ? '' : (input.options[0] ?? ''));
  select.addEventListener('change', () =>
    onChange({ [input.name]: select.value === '' ? null : select.value }),
  );
  root.append(el('label', { class: 'input-label', for: `input-${input.name}` }, input.label), select);
  select.id = `input-${input.name}`;
  return root;
}

function dateField(
  name: string,
  value: string | null,
  min: string | null,
  max: string | null,
  label: string,
): HTMLInputElement {
  const field = el('input', {
    type: 'date',
    name,
    'aria-label': label,
    min: min ?? undefined,
    max: max ?? undefined,
  });
  field.value = value ?? '';
  return field;
}
