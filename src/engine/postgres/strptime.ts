/**
 * strptime formats (what contracts declare, as DuckDB reads them) for PostgreSQL: a regular
 * expression the whole text must match — to_timestamp alone is lenient and would read "2025-1-x"
 * — and the to_timestamp template that then reads the fields (it still refuses impossible dates
 * such as 2/30/2025, which the helper turns into null).
 */
export interface PostgresTimestampFormat {
  /** Anchored POSIX regular expression. */
  pattern: string;
  /** to_timestamp template. */
  template: string;
}

interface Specifier {
  pattern: string;
  template: string;
}

const SPECIFIERS: Record<string, Specifier> = {
  Y: { pattern: '[0-9]{4}', template: 'YYYY' },
  y: { pattern: '[0-9]{2}', template: 'YY' },
  m: { pattern: '[0-9]{1,2}', template: 'MM' },
  d: { pattern: '[0-9]{1,2}', template: 'DD' },
  e: { pattern: ' ?[0-9]{1,2}', template: 'DD' },
  H: { pattern: '[0-9]{1,2}', template: 'HH24' },
  I: { pattern: '[0-9]{1,2}', template: 'HH12' },
  M: { pattern: '[0-9]{1,2}', template: 'MI' },
  S: { pattern: '[0-9]{1,2}', template: 'SS' },
  f: { pattern: '[0-9]{1,6}', template: 'US' },
  g: { pattern: '[0-9]{1,3}', template: 'MS' },
  j: { pattern: '[0-9]{1,3}', template: 'DDD' },
  p: { pattern: '[AaPp][Mm]', template: 'AM' },
  b: { pattern: '[A-Za-z]{3}', template: 'Mon' },
  h: { pattern: '[A-Za-z]{3}', template: 'Mon' },
  B: { pattern: '[A-Za-z]{3,9}', template: 'FMMonth' },
  a: { pattern: '[A-Za-z]{3}', template: 'Dy' },
  A: { pattern: '[A-Za-z]{6,9}', template: 'FMDay' },
  z: { pattern: '(?:[+-][0-9]{2}:?[0-9]{2}|Z)', template: 'TZH:TZM' },
  T: { pattern: '[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}', template: 'HH24:MI:SS' },
  D: { pattern: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}', template: 'MM/DD/YY' },
  F: { pattern: '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}', template: 'YYYY-MM-DD' },
};

function regexEscape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A literal run of a to_timestamp template: double-quoted, with quotes and backslashes escaped. */
function templateLiteral(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

export function strptimeToPostgres(format: string): PostgresTimestampFormat {
  let pattern = '';
  let template = '';
  let literal = '';
  const flush = () => {
    if (literal === '') return;
    template += templateLiteral(literal);
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char === '%') {
      const code = format[i + 1];
      i++;
      if (code === '%') {
        pattern += '%';
        literal += '%';
        continue;
      }
      const specifier = code === undefined ? undefined : SPECIFIERS[code];
      if (!specifier) {
        throw new Error(
          `the date format ${JSON.stringify(format)} uses %${code ?? ''}, which PostgreSQL cannot read`,
        );
      }
      flush();
      pattern += specifier.pattern;
      template += specifier.template;
    } else if (/\s/.test(char)) {
      // Like strptime, white space in the format matches any run of white space.
      flush();
      pattern += '\\s+';
      template += ' ';
    } else {
      pattern += regexEscape(char);
      literal += char;
    }
  }
  flush();
  return { pattern: `^${pattern}$`, template };
}
