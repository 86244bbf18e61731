/**
 * dotenv text as Compose reads an `--env-file`: `NAME=value` lines, `#` comment lines, an
 * optional `export `, values unquoted (a ` #` starts a comment), in single quotes (literal) or in
 * double quotes (`\n`, `\"`, `\\` escapes). Later lines win.
 */
export function parseDotenv(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/u)) {
    const line = rawLine.trim().replace(/^export\s+/u, '');
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    entries.set(name, dotenvValue(line.slice(equals + 1).trim()));
  }
  return entries;
}

function dotenvValue(raw: string): string {
  if (raw.startsWith("'")) {
    const end = raw.indexOf("'", 1);
    return end < 0 ? raw.slice(1) : raw.slice(1, end);
  }
  if (raw.startsWith('"')) {
    let out = '';
    for (let i = 1; i < raw.length; i += 1) {
      const char = raw[i];
      if (char === '"') return out;
      if (char === '\\' && i + 1 < raw.length) {
        const next = raw[i + 1] ?? '';
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
        i += 1;
      } else {
        out += char;
      }
    }
    return out;
  }
  const comment = /\s#/u.exec(raw);
  return (comment === null ? raw : raw.slice(0, comment.index)).trim();
}
