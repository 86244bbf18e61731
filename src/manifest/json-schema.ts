import { z } from 'zod';
import { manifestSchema } from './schema';

/** Identifies the published schema; editors map stack.yml to it (yaml-language-server, SchemaStore). */
export const MANIFEST_SCHEMA_ID = 'https://raw.githubusercontent.com/stack-deploy/stack-deploy/main/schema/stack.schema.json';

/**
 * The JSON Schema (draft 2020-12) of stack.yml as written by people (zod's input side: durations
 * and sizes are strings, defaults shown as written). Deterministic: same schema, same output.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(manifestSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: MANIFEST_SCHEMA_ID, title: 'stack-deploy manifest (stack.yml)', ...rest };
}
