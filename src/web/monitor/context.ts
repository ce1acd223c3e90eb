import type { Layout } from '../nav.ts';

/** Where a monitor view draws, and what it is asked for (`/<project>/monitor/<view>[/<id>]`). */
export interface MonitorContext {
  app: HTMLElement;
  layout: Layout;
  project: string;
  view: string;
  id: string | undefined;
}
