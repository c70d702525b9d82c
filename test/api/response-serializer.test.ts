/**
 * @module test/api/response-serializer
 * The serializer's rewrite of the response schemas' unions: for every response schema the API
 * declares, a value with every nullable field null and one with every field filled come out as
 * exactly what JSON.stringify makes of them (nothing dropped, nothing added, no type changed), and
 * the schemas the OpenAPI document is built from are left as written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { TSchema } from 'typebox';
import { serializableSchema, serializerCompiler } from '../../src/api/response-serializer.js';
import * as audit from '../../src/api/schemas/audit-schema.js';
import * as catalog from '../../src/api/schemas/catalog-schemas.js';
import * as credentials from '../../src/api/schemas/credential-schemas.js';
import * as events from '../../src/api/schemas/event-schema.js';
import * as identity from '../../src/api/schemas/identity-schemas.js';
import * as instances from '../../src/api/schemas/instance-schema.js';

type Node = Record<string, any>;

/** Every exported schema of the response modules. */
const SCHEMAS: Array<[string, TSchema]> = [audit, catalog, credentials, events, identity, instances].flatMap((module) =>
  Object.entries(module).filter(
    (entry): entry is [string, TSchema] =>
      typeof entry[1] === 'object' &&
      entry[1] !== null &&
      ('type' in entry[1] || 'anyOf' in entry[1] || 'enum' in entry[1]),
  ),
);

const isNull = (s: Node) => s.type === 'null';

/** A value of `schema`: nullable fields null when `nulls`, else filled; unions of scalars take their last type. */
function sample(schema: Node, nulls: boolean, depth = 0): unknown {
  if (schema.anyOf) {
    const options = schema.anyOf as Node[];
    if (options.some(isNull)) return nulls ? null : sample(options.find((o) => !isNull(o))!, nulls, depth);
    return sample(options[depth % options.length]!, nulls, depth + 1);
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[schema.enum.length - 1];
  switch (schema.type) {
    case 'object': {
      const out: Node = {};
      for (const [key, value] of Object.entries((schema.properties ?? {}) as Node))
        out[key] = sample(value, nulls, depth + 1);
      for (const value of Object.values((schema.patternProperties ?? {}) as Node))
        out[`key${depth}`] = sample(value, nulls, depth + 1);
      return out;
    }
    case 'array':
      return [sample(schema.items, nulls, depth + 1), sample(schema.items, !nulls, depth + 2)];
    case 'string':
      return `text "${depth}" \\ ü`;
    case 'integer':
      return 1_700_000_000_000 + depth;
    case 'number':
      return depth + 0.5;
    case 'boolean':
      return depth % 2 === 0;
    case 'null':
      return null;
    default:
      throw new Error(`no sample for ${JSON.stringify(schema)}`);
  }
}

function nullableUnions(schema: unknown): number {
  if (Array.isArray(schema)) return schema.reduce((n, s) => n + nullableUnions(s), 0);
  if (schema === null || typeof schema !== 'object') return 0;
  const own = Array.isArray((schema as Node).anyOf) && (schema as Node).anyOf.some(isNull) ? 1 : 0;
  return own + Object.values(schema).reduce((n: number, s) => n + nullableUnions(s), 0);
}

describe('response serializer', () => {
  it('covers the response schemas, the instance among them', () => {
    assert.ok(SCHEMAS.length >= 20, `${SCHEMAS.length} schemas`);
    assert.ok(SCHEMAS.some(([name]) => name === 'InstanceSchema'));
    assert.ok(nullableUnions(instances.InstanceSchema) > 20, 'the instance has many nullable fields');
  });

  for (const nulls of [true, false]) {
    it(`writes every response schema's value as JSON.stringify does, nullable fields ${nulls ? 'null' : 'filled'}`, () => {
      for (const [name, schema] of SCHEMAS) {
        const value = sample(schema as Node, nulls);
        const serialize = serializerCompiler({ schema, method: 'GET', url: '/', httpStatus: '200' } as never) as (
          v: unknown,
        ) => string;
        assert.equal(serialize(value), JSON.stringify(value), name);
      }
    });
  }

  it('leaves no nullable union for the serializer, and the schemas as written', () => {
    const before = JSON.stringify(instances.InstanceSchema);
    const rewritten = serializableSchema(instances.InstanceSchema);
    assert.equal(nullableUnions(rewritten), 0);
    assert.equal(JSON.stringify(instances.InstanceSchema), before);
    assert.ok(nullableUnions(instances.InstanceSchema) > 0);
  });

  it("serializes a scalar union (a flavor parameter, text or number) by the value's type", () => {
    const params = instances.FlavorDetailsSchema.properties.params;
    const serialize = fastJsonStringify(serializableSchema(params) as Schema);
    assert.equal(serialize({ CPU: 2, memory: '8GiB', ratio: 0.5 }), '{"CPU":2,"memory":"8GiB","ratio":0.5}');
  });
});
