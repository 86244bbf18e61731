import { z } from 'zod';
import { evenAfterOtherIssues } from './refinements';
import { safeName } from './fields';

/**
 * A non-empty mapping from safe names to `value` (services, environments). Names are checked in
 * a refinement rather than by zod's record key schema so that the entry of a badly named
 * service is still validated: every mistake is reported at once.
 */
export function namedRecord<Value extends z.core.$ZodType>(noun: string, value: Value) {
  const nameSchema = safeName(`${noun} name`);
  const { $schema: _ignored, ...propertyNames } = z.toJSONSchema(nameSchema);
  return z
    .record(z.string(), value)
    .superRefine((entries: object, context: z.core.$RefinementCtx) => {
      const names = Object.keys(entries);
      if (names.length === 0) context.addIssue({ code: 'custom', input: entries, message: `must define at least 1 ${noun}` });
      for (const name of names) {
        const result = nameSchema.safeParse(name);
        for (const issue of result.error?.issues ?? []) {
          context.addIssue({ code: 'custom', path: [name], input: name, message: issue.message, params: { target: 'key' } });
        }
      }
    }, evenAfterOtherIssues)
    .meta({ minProperties: 1, propertyNames });
}
