/**
 * The search box of every page and the results of search.html: the index (assets/search-index.js,
 * a script assigning a global — a page opened from the file system may not fetch JSON) is loaded
 * on the first use, then every word typed must appear in an entry's name, node or description.
 */
interface SearchEntry {
  k: string;
  n: string;
  p?: string;
  d?: string;
  u: string;
}

declare global {
  interface Window {
    STRATA_DOCS_SEARCH?: SearchEntry[];
  }
}

/** As src/docs/layout.ts `SEARCH_INDEX` and search-index.ts `SEARCH_GLOBAL` write it (web may not import them). */
const INDEX = 'assets/search-index.js';
const SHOWN = 12;

let loading: Promise<SearchEntry[]> | null = null;

function loadIndex(root: string): Promise<SearchEntry[]> {
  loading ??= new Promise((resolve, reject) => {
    if (window.STRATA_DOCS_SEARCH) return resolve(window.STRATA_DOCS_SEARCH);
    const script = document.createElement('script');
    script.src = `${root}${INDEX}`;
    script.addEventListener('load', () => resolve(window.STRATA_DOCS_SEARCH ?? []));
    script.addEventListener('error', () => reject(new Error(`could not load ${script.src}`)));
    document.head.append(script);
  });
  return loading;
}

/** Entries matching every word of the query, best first: name matches before description ones. */
export function search(entries: readonly SearchEntry[], query: string): SearchEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: { entry: SearchEntry; score: number }[] = [];
  for (const entry of entries) {
    const name = entry.n.toLowerCase();
    const where = `${name} ${(entry.p ?? '').toLowerCase()}`;
    const text = `${where} ${(entry.d ?? '').toLowerCase()}`;
    if (!words.every((word) => text.includes(word))) continue;
    let score = 0;
    for (const word of words) {
      if (name === word) score += 8;
      else if (name.startsWith(word)) score += 5;
      else if (where.includes(word)) score += 3;
      else score += 1;
    }
    if (entry.k !== 'column' && entry.k !== 'check') score += 1;
    scored.push({ entry, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.entry.n.localeCompare(b.entry.n))
    .map(({ entry }) => entry);
}

function resultItem(root: string, entry: SearchEntry, tag: 'li' | 'div'): HTMLElement {
  const item = document.createElement(tag);
  item.className = 'result';
  const a = document.createElement('a');
  a.href = `${root}${entry.u}`;
  a.dataset.kind = entry.k;
  const kind = document.createElement('span');
  kind.className = `kind kind-${entry.k}`;
  kind.textContent = entry.k;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = entry.k === 'column' && entry.p ? `${entry.p}.${entry.n}` : entry.n;
  a.append(kind, name);
  if (entry.d) {
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = entry.d.length > 140 ? `${entry.d.slice(0, 139)}…` : entry.d;
    a.append(text);
  }
  item.append(a);
  return item;
}

/** The header's box: shown once this script runs, results listed under it as one types. */
export function setUpSearchBox(root: string): void {
  const form = document.querySelector<HTMLFormElement>('form[data-role="search"]');
  const input = form?.querySelector<HTMLInputElement>('input[name="q"]');
  const box = form?.querySelector<HTMLElement>('[data-role="search-results"]');
  if (!form || !input || !box) return;
  form.hidden = false;
  const update = async () => {
    const query = input.value.trim();
    if (query === '') {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const found = search(await loadIndex(root), query);
    box.replaceChildren(...found.slice(0, SHOWN).map((entry) => resultItem(root, entry, 'div')));
    if (found.length === 0)
      box.append(
        Object.assign(document.createElement('p'), { className: 'none', textContent: 'Nothing found.' }),
      );
    if (found.length > SHOWN) {
      const more = document.createElement('a');
      more.className = 'more';
      more.href = `${root}search.html?q=${encodeURIComponent(query)}`;
      more.textContent = `All ${found.length} results`;
      box.append(more);
    }
    box.hidden = false;
  };
  input.addEventListener('focus', () => void loadIndex(root).catch(() => undefined));
  input.addEventListener('input', () => void update());
  // Arrow keys move between the input and the results; Escape clears and closes.
  const links = () => [...box.querySelectorAll<HTMLAnchorElement>('a')];
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      void update();
      input.focus();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const all = links();
    if (box.hidden || all.length === 0) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)]?.focus();
  });
  document.addEventListener('click', (event) => {
    if (!form.contains(event.target as Node)) box.hidden = true;
  });
}

/** search.html: every result of `?q=`. */
export async function showSearchPage(root: string): Promise<void> {
  const list = document.querySelector<HTMLElement>('[data-role="search-page-results"]');
  const status = document.querySelector<HTMLElement>('[data-role="search-status"]');
  if (!list || !status) return;
  const query = new URLSearchParams(location.search).get('q')?.trim() ?? '';
  const input = document.querySelector<HTMLInputElement>('form[data-role="search"] input[name="q"]');
  if (input) input.value = query;
  if (query === '') {
    status.textContent =
      'Type in the search box above: names and descriptions of sources, seeds, models, columns, checks and pages.';
    return;
  }
  const found = search(await loadIndex(root), query);
  status.textContent = `${found.length} result${found.length === 1 ? '' : 's'} for “${query}”`;
  list.replaceChildren(...found.map((entry) => resultItem(root, entry, 'li')));
}
