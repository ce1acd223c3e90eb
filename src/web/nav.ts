/**
 * The sidebar: every project served and its pages, the current one marked. On a phone it folds
 * away behind the top bar's menu button.
 */
import type { ProjectSummary } from '../dashboards/views.ts';
import { el } from './dom.ts';

export interface Layout {
  root: HTMLElement;
  nav: HTMLElement;
  main: HTMLElement;
}

export function layout(): Layout {
  const nav = el('nav', { class: 'sidebar', id: 'sidebar', 'aria-label': 'Dashboards' });
  const toggle = el(
    'button',
    {
      type: 'button',
      class: 'menu',
      'aria-controls': 'sidebar',
      'aria-expanded': 'false',
      'data-role': 'menu',
    },
    el('span', { class: 'menu-icon', 'aria-hidden': 'true' }),
    'Pages',
  );
  const root = el(
    'div',
    { class: 'layout' },
    el('header', { class: 'topbar' }, el('a', { class: 'brand', href: '/' }, 'strata'), toggle),
    nav,
    el('main', { class: 'content' }),
  );
  toggle.addEventListener('click', () => {
    const open = root.classList.toggle('nav-open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  return { root, nav, main: root.querySelector('main') as HTMLElement };
}

export function renderNav(
  nav: HTMLElement,
  projects: ProjectSummary[],
  current?: { project: string; page: string },
): void {
  nav.replaceChildren(
    el('a', { class: 'brand sidebar-brand', href: '/' }, 'strata'),
    ...projects.map((project) =>
      el(
        'section',
        { class: 'nav-project', 'data-project': project.name },
        el('h2', { class: 'nav-project-title' }, project.title),
        el(
          'ul',
          {},
          ...project.pages.map((page) => {
            const here = current?.project === project.name && current.page === page.name;
            return el(
              'li',
              {},
              el('a', { href: page.url, 'aria-current': here ? 'page' : undefined }, page.title),
            );
          }),
        ),
      ),
    ),
  );
  if (projects.length === 0) nav.append(el('p', { class: 'nav-empty' }, 'No project.'));
}
