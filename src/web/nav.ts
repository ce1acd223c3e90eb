/**
 * The sidebar: every project served and its pages, the current one marked. On a phone it folds
 * away behind the top bar's menu button.
 */
import type { MonitorViewName } from '../dashboards/monitor-runs-views.ts';
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
  current?: { project: string; page?: string; monitor?: string },
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
        el('h3', { class: 'nav-section-title' }, 'Monitor'),
        el(
          'ul',
          { class: 'nav-monitor', 'data-role': 'monitor-nav' },
          ...MONITOR_VIEWS.map((view) => {
            const here = current?.project === project.name && current.monitor === view;
            return el(
              'li',
              {},
              el(
                'a',
                {
                  href: monitorUrl(project.name, view),
                  'data-view': view,
                  'aria-current': here ? 'page' : undefined,
                },
                MONITOR_TITLES[view],
              ),
            );
          }),
        ),
        // The documentation site (served as static pages under /docs, outside this app).
        el('h3', { class: 'nav-section-title' }, 'Documentation'),
        el(
          'ul',
          { class: 'nav-docs' },
          el(
            'li',
            {},
            el('a', { href: docsUrl(project.name), 'data-role': 'docs-link' }, 'Models, sources, checks'),
          ),
        ),
      ),
    ),
  );
  if (projects.length === 0) nav.append(el('p', { class: 'nav-empty' }, 'No project.'));
}

/** The monitor's views, in the order the sidebar lists them. */
export const MONITOR_VIEWS: readonly MonitorViewName[] = [
  'runs',
  'checks',
  'quarantine',
  'reconciliation',
  'lineage',
];

/** What the sidebar calls each view of the monitor. */
export const MONITOR_TITLES: Record<MonitorViewName, string> = {
  runs: 'Runs',
  checks: 'Checks',
  quarantine: 'Quarantine',
  reconciliation: 'Reconciliation',
  lineage: 'Lineage',
};

/** `/<project>/monitor/<view>[/<id>]` */
export function monitorUrl(project: string, view: string, id?: string): string {
  const base = `/${encodeURIComponent(project)}/monitor/${view}`;
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}

/** `/docs/<project>/`: the project's documentation site. */
export function docsUrl(project: string): string {
  return `/docs/${encodeURIComponent(project)}/`;
}
