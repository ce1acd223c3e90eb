/** `/`: every project served and its pages (`GET /api`). */
import type { ServerIndex } from '../dashboards/views.ts';
import { getJson } from './api.ts';
import { el, replaceChildren } from './dom.ts';
import { type Layout, renderNav } from './nav.ts';
import { fetchFailure, loading } from './notices.ts';

export async function showHome(app: HTMLElement, layout: Layout): Promise<void> {
  app.dataset.state = 'loading';
  replaceChildren(layout.main, loading());
  const answer = await getJson<ServerIndex>('/api');
  if (!answer.ok) {
    replaceChildren(
      layout.main,
      fetchFailure(answer.error, () => void showHome(app, layout)),
    );
    app.dataset.state = 'error';
    return;
  }
  const { projects } = answer.value;
  renderNav(layout.nav, projects);
  document.title = 'Dashboards · strata';
  replaceChildren(
    layout.main,
    el('header', { class: 'page-head' }, el('h1', {}, 'Dashboards')),
    projects.length === 0 ? el('p', { class: 'empty' }, 'No project is served.') : null,
    ...projects.map((project) =>
      el(
        'section',
        { class: 'home-project', 'data-project': project.name },
        el('h2', {}, project.title),
        project.pages.length === 0
          ? el(
              'p',
              { class: 'empty' },
              'No page yet: add a Markdown file to the project\u2019s dashboards/ folder.',
            )
          : el(
              'ul',
              { class: 'home-pages' },
              ...project.pages.map((page) =>
                el(
                  'li',
                  {},
                  el(
                    'a',
                    { class: 'home-page', href: page.url, 'data-page': page.name },
                    el('span', { class: 'home-page-title' }, page.title),
                    page.description
                      ? el('span', { class: 'home-page-description' }, page.description)
                      : null,
                    el('span', { class: 'home-page-file' }, page.file),
                  ),
                ),
              ),
            ),
      ),
    ),
  );
  app.dataset.state = 'ready';
}
