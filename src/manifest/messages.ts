import type { z } from 'zod';
import { describeValue } from './describe-value';

/** Required-key wording, shared with the code that locates the issue at the parent key. */
export const MISSING_KEY_MESSAGE = 'required key is missing';

const EXPECTED_TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  never: 'nothing here',
};

export function expectedTypeWords(expected: string): string {
  return EXPECTED_TYPE_WORDS[expected] ?? expected;
}

function plural(count: number | bigint, singular: string, pluralForm: string): string {
  return `${count} ${Number(count) === 1 ? singular : pluralForm}`;
}

function tooSmallMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const bound = issue.inclusive === false ? 'more than' : 'at least';
  switch (issue.origin) {
    case 'string':
      return Number(issue.minimum) === 1 ? 'must not be empty' : `must be ${bound} ${plural(issue.minimum, 'character', 'characters')} long`;
    case 'array':
    case 'set':
      return `must list ${bound} ${plural(issue.minimum, 'entry', 'entries')}`;
    default:
      return `must be ${bound} ${issue.minimum}, got ${describeValue(issue.input)}`;
  }
}

function tooBigMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const bound = issue.inclusive === false ? 'less than' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `must be ${bound} ${plural(issue.maximum, 'character', 'characters')} long`;
    case 'array':
    case 'set':
      return `must list ${bound} ${plural(issue.maximum, 'entry', 'entries')}`;
    default:
      return `must be ${bound} ${issue.maximum}, got ${describeValue(issue.input)}`;
  }
}

function unionMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string {
  if (issue.input === undefined) return MISSING_KEY_MESSAGE;
  const expectations = issue.errors
    .map((branch) => branch.find((inner) => inner.path.length === 0 && inner.code === 'invalid_type'))
    .map((inner) => (inner?.code === 'invalid_type' ? expectedTypeWords(inner.expected) : undefined))
    .filter((words): words is string => words !== undefined);
  if (expectations.length === 0) return `${describeValue(issue.input)} is not valid here`;
  return `expected ${[...new Set(expectations)].join(' or ')}, got ${describeValue(issue.input)}`;
}

/**
 * Plain-language messages for zod's built-in issues. Schemas with their own wording (names,
 * durations, paths...) set it where they are defined; this covers everything else.
 */
export const manifestErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return MISSING_KEY_MESSAGE;
      return `expected ${expectedTypeWords(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return tooSmallMessage(issue);
    case 'too_big':
      return tooBigMessage(issue);
    case 'invalid_value':
      if (issue.values.length === 1) return `expected ${describeValue(issue.values[0])}, got ${describeValue(issue.input)}`;
      return `expected one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_union':
      return unionMessage(issue);
    case 'invalid_key':
      return issue.issues[0]?.message ?? `${describeValue(issue.input)} is not a valid key here`;
    case 'invalid_format':
      return `${describeValue(issue.input)} is not in the expected format`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, got ${describeValue(issue.input)}`;
    default:
      return `${describeValue(issue.input)} is not valid here`;
  }
};
