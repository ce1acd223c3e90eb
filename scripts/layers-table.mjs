// Rewrites the layout table of DEVELOPERS.md from layers.js (run `npx prettier --write DEVELOPERS.md` after).
import { readFileSync, writeFileSync } from 'node:fs';
import { LAYERS } from '../layers.js';

const folder = (layer) =>
  layer.paths.some((p) => p.endsWith('.ts') || p.includes('*')) ? layer.name : `${layer.name}/`;
const may = (layer) =>
  layer.may.length
    ? layer.may
        .map((m) => (typeof m === 'string' ? `\`${m}\`` : `\`${m.name}\` (${m.only.join(', ')})`))
        .join(', ')
    : '—';
const rows = LAYERS.map((layer) => `| \`${folder(layer)}\` | ${layer.holds} | ${may(layer)} |`);
const path = new URL('../DEVELOPERS.md', import.meta.url);
const lines = readFileSync(path, 'utf8').split('\n');
const first = lines.findIndex((line) => /^\| `[^`]+` +\|/.test(line));
let last = first;
while (/^\| `[^`]+` +\|/.test(lines[last + 1] ?? '')) last += 1;
lines.splice(first, last - first + 1, ...rows);
writeFileSync(path, lines.join('\n'));
