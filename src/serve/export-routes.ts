import { createReadStream } from 'node:fs';
import type { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { DashboardSite } from '../api/dashboard-site.ts';
import { exportDownload } from '../api/export-download.ts';

/**
 * GET /api/<project>/export/<model>?format=csv|parquet|xlsx|json|ndjson&from=&to=: a model as a
 * download (`api/export-download.ts`), behind the same token as the rest of /api. The file is
 * written whole first (its errors answer as JSON through the app's one error handler), then streamed
 * and removed, whether the client read it all or went away.
 */
export function registerExportRoutes(app: Hono, site: DashboardSite): void {
  app.get('/api/:project/export/:model', async (c) => {
    const download = await exportDownload(
      site,
      c.req.param('project'),
      c.req.param('model'),
      new URL(c.req.url).searchParams,
      c.req.raw.signal,
    );
    c.header('Content-Type', download.contentType);
    c.header('Content-Disposition', `attachment; filename="${download.filename}"`);
    c.header('Content-Length', String(download.summary.bytes));
    return stream(c, async (out) => {
      const file = createReadStream(download.path);
      out.onAbort(() => {
        file.destroy();
      });
      try {
        for await (const chunk of file) {
          if (out.aborted) break;
          await out.write(chunk as Uint8Array);
        }
      } finally {
        file.destroy();
        await download.dispose();
      }
    });
  });
}
