/**
 * The values of dotenv text (`KEY=value` lines, `#` comments, optional `export ` and quotes),
 * so each can be registered as a secret before anything is logged.
 */
export function dotenvValues(text: string): string[] {
  const values: string[] = [];
  for (const rawLine of text.split(/\r?\n/u)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    let value = line.slice(equals + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    if (value !== '') values.push(value);
  }
  return values;
}
