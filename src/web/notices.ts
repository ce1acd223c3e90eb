/** What the page says about itself: models not built, problems in its file, a failed request. */
import type { ProblemView } from '../dashboards/views.ts';
import { el, richText } from './dom.ts';

export function missingModelsNotice(models: string[]): HTMLElement {
  return el(
    'div',
    { class: 'notice notice-warning', role: 'status', 'data-role': 'missing-models' },
    el('p', { class: 'notice-title' }, 'This page needs models that are not built yet'),
    el('p', {}, 'Missing: ', ...models.flatMap((model, i) => [i > 0 ? ', ' : null, el('code', {}, model)])),
    el('p', {}, 'Run ', el('code', {}, 'strata run'), ' to build them, then reload this page.'),
  );
}

export function problemsNotice(problems: ProblemView[]): HTMLElement {
  return el(
    'div',
    { class: 'notice notice-error', role: 'status', 'data-role': 'problems' },
    el(
      'p',
      { class: 'notice-title' },
      problems.length === 1 ? 'A problem with this page' : `${problems.length} problems with this page`,
    ),
    el(
      'ul',
      { class: 'problems' },
      ...problems.map((problem) =>
        el(
          'li',
          { 'data-code': problem.code },
          problem.file
            ? el(
                'code',
                { class: 'problem-where' },
                problem.line ? `${problem.file}:${problem.line}` : problem.file,
              )
            : null,
          problem.file ? ' ' : null,
          ...richText(problem.message),
          problem.hint ? el('span', { class: 'problem-hint' }, ...richText(problem.hint)) : null,
        ),
      ),
    ),
  );
}

/** A request the page itself needs failed (the page view, the index): the whole page says so. */
export function fetchFailure(problem: ProblemView, retry: () => void): HTMLElement {
  const button = el('button', { type: 'button', class: 'retry', 'data-role': 'retry' }, 'Try again');
  button.addEventListener('click', retry);
  return el(
    'div',
    { class: 'notice notice-error', role: 'alert', 'data-role': 'fetch-error', 'data-code': problem.code },
    el('p', { class: 'notice-title' }, ...richText(problem.message)),
    problem.hint ? el('p', {}, ...richText(problem.hint)) : null,
    el('p', {}, button),
  );
}

export function loading(text = 'Loading…'): HTMLElement {
  return el(
    'div',
    { class: 'loading', role: 'status', 'data-role': 'loading' },
    el('span', { class: 'spinner', 'aria-hidden': 'true' }),
    text,
  );
}
