import { z } from 'zod';
import type { IssuePath } from './issues';

/** The schema without wrappers that do not change the shape of the data (optional, default, pipes...). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodPipe) return unwrap(schema.in instanceof z.ZodTransform ? schema.out : schema.in);
  return schema;
}

function child(schema: z.core.$ZodType, segment: string | number): z.core.$ZodType[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const field: z.core.$ZodType | undefined = inner.shape[String(segment)];
    return field === undefined ? [] : [field];
  }
  if (inner instanceof z.ZodRecord) return [inner.valueType];
  if (inner instanceof z.ZodArray) return [inner.element];
  if (inner instanceof z.ZodUnion) return inner.options.flatMap((option) => child(option, segment));
  return [];
}

/** The keys a mapping at `path` may have, according to `schema` (empty when it is not a fixed mapping). */
export function allowedKeysAt(schema: z.core.$ZodType, path: IssuePath): string[] {
  let candidates = [schema];
  for (const segment of path) candidates = candidates.flatMap((candidate) => child(candidate, segment));
  for (const candidate of candidates) {
    const inner = unwrap(candidate);
    if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  }
  return [];
}
