/**
 * Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, `$$`), applied
 * to one string. Defaults and replacements may themselves hold variables.
 */

/** A variable the text requires (`:?` or `?`) that is not set. */
export interface MissingVariable {
  readonly name: string;
  readonly message: string;
}

export interface Interpolated {
  readonly value: string;
  readonly missing: readonly MissingVariable[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/u;

/** Index of the `}` that closes the `${` whose body starts at `start`, or -1. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Interpolates `text` with `variables`. When `strict` is false (variables unknown), required
 * variables that are not set are not reported.
 */
export function interpolate(text: string, variables: ReadonlyMap<string, string>, strict = true): Interpolated {
  const missing: MissingVariable[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char !== '$') {
      out += char;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        out += text.slice(i);
        break;
      }
      out += substitute(text.slice(i + 2, end), variables, strict, missing);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (name === undefined) {
      out += '$';
      i += 1;
      continue;
    }
    out += variables.get(name) ?? '';
    i += 1 + name.length;
  }
  return { value: out, missing };
}

function substitute(body: string, variables: ReadonlyMap<string, string>, strict: boolean, missing: MissingVariable[]): string {
  const name = NAME.exec(body)?.[0] ?? '';
  const rest = body.slice(name.length);
  const value = variables.get(name);
  const nested = (inner: string) => {
    const result = interpolate(inner, variables, strict);
    missing.push(...result.missing);
    return result.value;
  };
  const operator = /^(:-|-|:\?|\?|:\+|\+)/u.exec(rest)?.[0];
  if (operator === undefined) return value ?? '';
  const argument = rest.slice(operator.length);
  const unsetOrEmpty = value === undefined || value === '';
  switch (operator) {
    case ':-':
      return unsetOrEmpty ? nested(argument) : value;
    case '-':
      return value === undefined ? nested(argument) : value;
    case ':?':
    case '?':
      if (operator === ':?' ? unsetOrEmpty : value === undefined) {
        if (strict) missing.push({ name, message: argument === '' ? `required variable ${name} is missing a value` : nested(argument) });
        return '';
      }
      return value ?? '';
    case ':+':
      return unsetOrEmpty ? '' : nested(argument);
    default:
      return value === undefined ? '' : nested(argument);
  }
}
