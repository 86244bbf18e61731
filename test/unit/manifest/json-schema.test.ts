import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../../src/manifest';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(schema: unknown, ...keys: string[]): JsonObject {
  let current = schema;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  if (!isObject(current)) throw new Error(`no object at ${keys.join('.')}`);
  return current;
}

/** Every `properties` entry anywhere in the schema, as `path → property schema`. */
function allProperties(schema: unknown, path = ''): [string, JsonObject][] {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => allProperties(item, `${path}[${index}]`));
  if (!isObject(schema)) return [];
  const own = isObject(schema.properties)
    ? Object.entries(schema.properties).flatMap(([key, value]): [string, JsonObject][] => (isObject(value) ? [[`${path}.${key}`, value]] : []))
    : [];
  return [...own, ...Object.entries(schema).flatMap(([key, value]) => allProperties(value, `${path}/${key}`))];
}

describe('manifestJsonSchema', () => {
  it('matches the committed schema/stack.schema.json (run vitest -u to regenerate)', async () => {
    await expect(JSON.stringify(manifestJsonSchema(), null, 2) + '\n').toMatchFileSnapshot('../../../schema/stack.schema.json');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(manifestJsonSchema())).toBe(JSON.stringify(manifestJsonSchema()));
  });

  it('has the top-level keys of a draft 2020-12 schema with an id and a title', () => {
    const schema = manifestJsonSchema();
    expect(Object.keys(schema).slice(0, 4)).toEqual(['$schema', '$id', 'title', 'type']);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['version', 'name', 'services', 'environments'],
      additionalProperties: false,
    });
  });

  it('rejects unknown keys in services and environments', () => {
    const schema = manifestJsonSchema();
    expect(child(schema, 'properties', 'services', 'additionalProperties')).toMatchObject({ type: 'object', additionalProperties: false });
    expect(child(schema, 'properties', 'environments', 'additionalProperties')).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('describes durations and sizes as strings with a pattern, and shows defaults as written', () => {
    const health = child(manifestJsonSchema(), 'properties', 'services', 'additionalProperties', 'properties', 'health', 'properties');
    expect(health.timeout).toMatchObject({ type: 'string', pattern: expect.any(String), default: '60s', description: expect.any(String) });
    const service = child(manifestJsonSchema(), 'properties', 'services', 'additionalProperties', 'properties');
    expect(service.size_limit).toMatchObject({ type: 'string', pattern: expect.any(String), description: expect.any(String) });
  });

  it('gives every key a description', () => {
    const undescribed = allProperties(manifestJsonSchema())
      .filter(([, property]) => typeof property.description !== 'string' || property.description === '')
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });
});
