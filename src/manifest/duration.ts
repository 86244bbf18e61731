/** Durations in stack.yml: `500ms`, `60s`, `2m`, `1h`, or combined like `1m30s`. */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h))+$/u;

const PART = /(\d+)(ms|s|m|h)/gu;

const MILLISECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * (MILLISECONDS_PER_UNIT[unit ?? ''] ?? Number.NaN);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}
