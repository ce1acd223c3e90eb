/**
 * The page's inputs: DateRange (two date fields bounded by the data's min and max) and Dropdown
 * (a select; the `all` choice is the empty value, i.e. no parameter). A change hands the new URL
 * parameters to the page, which rewrites the address and queries again.
 */
import type { InputView } from '../dashboards/views.ts';
import type { ComponentBlock } from './components/card.ts';
import { el } from './dom.ts';

export type InputChange = (set: Record<string, string | null>) => void;

export interface RenderedInput {
  root: HTMLElement;
  /**
   * Shows the values the server resolved after a change, in place (a field being edited keeps its
   * focus and its text); false when the input must be drawn again (another kind, other options).
   */
  update(input: InputView | undefined): boolean;
}

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
): RenderedInput {
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
    return { root, update: () => false };
  }
  if (input.kind === 'date_range') {
    const from = dateField(`${input.name}_from`, `${input.label}: from`);
    const to = dateField(`${input.name}_to`, `${input.label}: to`);
    setDate(from, input.from, input.min, input.max);
    setDate(to, input.to, input.min, input.max);
    const changed = (event: Event): void => {
      // An inverted range becomes a single day rather than a request the server refuses.
      if (from.value && to.value && from.value > to.value) {
        if (event.target === to) from.value = to.value;
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
    const update = (next: InputView | undefined): boolean => {
      if (next?.kind !== 'date_range' || next.name !== input.name) return false;
      setDate(from, next.from, next.min, next.max);
      setDate(to, next.to, next.min, next.max);
      return true;
    };
    return { root, update };
  }
  const select = el('select', { name: input.name, id: `input-${input.name}` });
  if (input.all !== undefined) select.append(el('option', { value: '' }, input.all));
  for (const option of input.options) select.append(el('option', { value: option }, option));
  select.value = selected(input);
  select.addEventListener('change', () =>
    onChange({ [input.name]: select.value === '' ? null : select.value }),
  );
  root.append(el('label', { class: 'input-label', for: select.id }, input.label), select);
  const options = JSON.stringify([input.all, input.options]);
  const update = (next: InputView | undefined): boolean => {
    if (next?.kind !== 'dropdown' || next.name !== input.name) return false;
    if (JSON.stringify([next.all, next.options]) !== options) return false;
    select.value = selected(next);
    return true;
  };
  return { root, update };
}

function selected(input: Extract<InputView, { kind: 'dropdown' }>): string {
  return input.value ?? (input.all !== undefined ? '' : (input.options[0] ?? ''));
}

function dateField(name: string, label: string): HTMLInputElement {
  return el('input', { type: 'date', name, 'aria-label': label });
}

/** A date field shows the server's value and bounds; a field being edited keeps its text. */
function setDate(
  field: HTMLInputElement,
  value: string | null,
  min: string | null,
  max: string | null,
): void {
  field.min = min ?? '';
  field.max = max ?? '';
  if (document.activeElement !== field) field.value = value ?? '';
}
