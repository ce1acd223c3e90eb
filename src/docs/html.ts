/**
 * HTML text for the documentation site: every string from the project's data goes through `esc`
 * (a description holding `<script>` renders as text), attribute values too.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const esc = (text: string | number): string =>
  String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A piece of HTML already escaped: `h` leaves it as is, where a string is escaped. */
export interface Html {
  readonly __html: string;
}

export const raw = (text: string): Html => ({ __html: text });

type Piece = Html | string | number | null | undefined | false | readonly Piece[];

const piece = (value: Piece): string => {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly Piece[]).map(piece).join('');
  if (typeof value === 'object') return (value as Html).__html;
  return esc(value as string | number);
};

/**
 * A tagged template whose interpolated values are escaped unless they are `Html` already; arrays
 * are joined, `null`/`undefined`/`false` leave nothing.
 */
export function h(strings: TemplateStringsArray, ...values: Piece[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += piece(value) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

/** Text with `backticked` parts as code (the project's messages write names so), escaped. */
export function richText(text: string): Html {
  return raw(
    text
      .split('`')
      .map((part, i) => (i % 2 === 1 ? `<code>${esc(part)}</code>` : esc(part)))
      .join(''),
  );
}

/** A status badge (pass, warn, fail, error, ...), its class from a fixed alphabet; `label` to say it otherwise. */
export function badge(status: string | null | undefined, label?: string): Html {
  const name = status ?? 'not run';
  const cls = name.toLowerCase().replace(/[^a-z]+/g, '-');
  return h`<span class="badge badge-${cls}" data-status="${name}">${label ?? name}</span>`;
}
