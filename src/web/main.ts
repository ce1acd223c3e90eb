/**
 * The dashboards' browser code (bundled into dist/web/app.js): routes on the address.
 * `/` → the projects and their pages; `/<project>/<page>` → that page; `/<project>/monitor[/...]` →
 * the pipeline monitor (`monitor/`).
 */
import { el, replaceChildren } from './dom.ts';
import { showHome } from './home.ts';
import { showMonitor } from './monitor/monitor.ts';
import { layout } from './nav.ts';
import { Page } from './page.ts';

function main(): void {
  let app = document.getElementById('app');
  if (!app) {
    app = el('div', { id: 'app' });
    document.body.append(app);
  }
  const frame = layout();
  replaceChildren(app, frame.root);
  const segments = location.pathname.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) {
    void showHome(app, frame);
  } else if (segments.length >= 2 && segments[1] === 'monitor') {
    const [project, , ...rest] = segments.map((segment) => decodeURIComponent(segment));
    void showMonitor(app, frame, project as string, rest);
  } else if (segments.length === 2) {
    const [project, page] = segments.map((segment) => decodeURIComponent(segment)) as [string, string];
    new Page(app, frame, project, page).start();
  } else {
    replaceChildren(
      frame.main,
      el(
        'div',
        { class: 'notice notice-error', 'data-role': 'not-found' },
        el('p', { class: 'notice-title' }, `No dashboard at ${location.pathname}.`),
        el('p', {}, el('a', { href: '/' }, 'See every dashboard')),
      ),
    );
    app.dataset.state = 'error';
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
