/**
 * `/<project>/monitor[/<view>[/<id>]]`: the sidebar (GET /api), then the view's drawer from the
 * registry (`views.ts`); `/<project>/monitor` is the runs list.
 */
import type { ServerIndex } from '../../dashboards/views.ts';
import { getJson } from '../api.ts';
import { el, replaceChildren } from '../dom.ts';
import { type Layout, MONITOR_TITLES, renderNav } from '../nav.ts';
import { fetchFailure, loading } from '../notices.ts';
import { MONITOR_RENDERERS } from './views.ts';

export async function showMonitor(
  app: HTMLElement,
  layout: Layout,
  project: string,
  rest: string[],
): Promise<void> {
  const view = rest[0] ?? 'runs';
  const id = rest.length > 1 ? rest.slice(1).join('/') : undefined;
  app.dataset.state = 'loading';
  replaceChildren(layout.main, loading());
  const index = await getJson<ServerIndex>('/api');
  if (index.ok) renderNav(layout.nav, index.value.projects, { project, monitor: view });
  const render = MONITOR_RENDERERS[view];
  if (!render) {
    const title = (MONITOR_TITLES as Record<string, string>)[view] ?? view;
    document.title = `${title} · Monitor · strata`;
    replaceChildren(
      layout.main,
      el(
        'div',
        { class: 'notice notice-warning', 'data-role': 'not-available', 'data-view': view },
        el('p', { class: 'notice-title' }, `The monitor's ${title} view is not available in this version.`),
        el('p', {}, el('a', { href: `/${encodeURIComponent(project)}/monitor/runs` }, 'See the runs')),
      ),
    );
    app.dataset.state = 'ready';
    return;
  }
  if (!index.ok) {
    replaceChildren(
      layout.main,
      fetchFailure(index.error, () => location.reload()),
    );
    app.dataset.state = 'error';
    return;
  }
  render({ app, layout, project, view, id });
}
