/**
 * dotenv text read the way Docker Compose reads an env file (`--env-file`):
 * - `#` lines are comments; `export ` before a name is allowed; `NAME: value` works like `=`;
 * - unquoted: the rest of the line, cut at the first ` #` (an inline comment), trimmed;
 * - single quotes: literal, may span lines (`\'` is a quote);
 * - double quotes: may span lines; `\n` and `\r` are line breaks, `\X` is X.
 * `${VAR}` references are not expanded.
 */
export function dotenvEntries(text: string): [string, string][] {
  const entries: [string, string][] = [];
  const source = text.replace(/\r\n/gu, '\n');
  let at = 0;
  while (at < source.length) {
    const lineEnd = endOfLine(source, at);
    const statement = /^[ \t\f\v]*(?:export[ \t]+)?([A-Za-z0-9_.[\]-]+)[ \t]*[=:][ \t\f\v]*/u.exec(source.slice(at, lineEnd));
    if (statement === null) {
      // Blank, comment, a name without a value (taken from the environment), or not dotenv.
      at = lineEnd + 1;
      continue;
    }
    const valueStart = at + statement[0].length;
    const quote = source[valueStart];
    if (quote === '"' || quote === "'") {
      const quoted = readQuoted(source, valueStart, quote);
      if (quoted !== undefined) {
        entries.push([statement[1] ?? '', quoted.value]);
        at = endOfLine(source, quoted.end) + 1;
        continue;
      }
    }
    const value = (source.slice(valueStart, lineEnd).split(' #')[0] ?? '').trimEnd();
    entries.push([statement[1] ?? '', value]);
    at = lineEnd + 1;
  }
  return entries;
}

function endOfLine(source: string, from: number): number {
  const newline = source.indexOf('\n', from);
  return newline === -1 ? source.length : newline;
}

/** The value of the quoted string opening at `start`, and where its closing quote is; undefined when it never closes. */
function readQuoted(source: string, start: number, quote: string): { value: string; end: number } | undefined {
  let raw = '';
  let escaped = false;
  for (let i = start + 1; i < source.length; i += 1) {
    const char = source[i] ?? '';
    if (escaped) {
      escaped = false;
      raw += char === quote ? char : `\\${char}`;
      continue;
    }
    if (char === '\\') {
      escaped = true;
      continue;
    }
    if (char === quote) return { value: quote === '"' ? expandEscapes(raw) : raw, end: i };
    raw += char;
  }
  return undefined;
}

function expandEscapes(raw: string): string {
  return raw.replace(/\\(.)/gsu, (_match, char: string) => {
    if (char === 'n') return '\n';
    if (char === 'r') return '\r';
    return char;
  });
}

/** The variables of dotenv text; a later line wins. */
export function parseDotenv(text: string): Map<string, string> {
  return new Map(dotenvEntries(text));
}
