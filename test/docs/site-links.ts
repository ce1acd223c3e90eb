/**
 * Following the documentation site's links without a browser: every relative `href`/`src` of a
 * page, resolved against the page, must name a file of the site and, with an anchor, an `id` on
 * that file. Used by the renderer's tests on files in memory and by the browser test on disk.
 */
const ENTITY: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITY[e] ?? e);

export interface SiteLink {
  from: string;
  target: string;
  anchor: string | null;
}

/** The relative links of an HTML page (href and src), as site-root paths and anchors. */
export function relativeLinks(from: string, html: string): SiteLink[] {
  const links: SiteLink[] = [];
  for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const value = unescape(match[1] ?? '');
    if (/^[a-z][a-z0-9+.-]*:/i.test(value)) throw new Error(`${from}: absolute link ${value}`);
    if (value.startsWith('/')) throw new Error(`${from}: root-absolute link ${value}`);
    const url = new URL(value, `http://site.invalid/${from}`);
    const target = decodeURIComponent(url.pathname.slice(1));
    const anchor = url.hash === '' ? null : decodeURIComponent(url.hash.slice(1));
    links.push({ from, target: target === '' ? 'index.html' : target, anchor });
  }
  return links;
}

/** The ids of an HTML page. */
export function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => unescape(m[1] ?? '')));
}

/** The links of every page that name no file of the site, or no id on it. */
export function brokenLinks(files: ReadonlyMap<string, string>): string[] {
  const broken: string[] = [];
  for (const [path, content] of files) {
    if (!path.endsWith('.html')) continue;
    for (const { target, anchor } of relativeLinks(path, content)) {
      const page = files.get(target);
      if (page === undefined) broken.push(`${path} → ${target}`);
      else if (anchor !== null && anchor !== '' && !idsOf(page).has(anchor))
        broken.push(`${path} → ${target}#${anchor}`);
    }
  }
  return broken;
}
