import type { z } from 'zod';

function isPresent(value: object, key: string): boolean {
  return (value as Record<string, unknown>)[key] !== undefined;
}

/** Runs even when other fields of the same mapping failed, so every mistake is reported at once. */
export const evenAfterOtherIssues = { when: (payload: z.core.ParsePayload) => typeof payload.value === 'object' && payload.value !== null };

/**
 * A refinement for mappings that take one of two alternative keys (`http` or `cmd`). The "both"
 * issue points at the second key; the "neither" issue at the mapping.
 */
export function alternativeKeys(first: string, second: string, options: { required: boolean }) {
  return (value: object, context: z.core.$RefinementCtx): void => {
    const hasFirst = isPresent(value, first);
    const hasSecond = isPresent(value, second);
    if (hasFirst && hasSecond) {
      context.addIssue({
        code: 'custom',
        path: [second],
        input: value,
        message: `use either "${first}" or "${second}", not both`,
        params: { target: 'key' },
      });
    } else if (options.required && !hasFirst && !hasSecond) {
      context.addIssue({ code: 'custom', input: value, message: `needs either "${first}" or "${second}"` });
    }
  };
}

/** A refinement that reports `key` as not applicable unless `requiredKey` is set too. */
export function onlyWith(key: string, requiredKey: string) {
  return (value: object, context: z.core.$RefinementCtx): void => {
    if (isPresent(value, key) && !isPresent(value, requiredKey)) {
      context.addIssue({
        code: 'custom',
        path: [key],
        input: value,
        message: `"${key}" only applies together with "${requiredKey}"`,
        params: { target: 'key' },
      });
    }
  };
}
