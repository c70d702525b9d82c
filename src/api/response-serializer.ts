/**
 * @module api/response-serializer
 * Compiles each response schema into a serializer (fast-json-stringify, as Fastify does), after
 * rewriting the unions the TypeBox schemas are full of into forms it serializes without running a
 * validator. Given `anyOf`, fast-json-stringify picks the branch by validating the value against
 * each option in turn (with Ajv, the whole object for a nullable object); an instance answer holds
 * dozens of nullable fields, and that was most of its serialization time. The published OpenAPI
 * document keeps the schemas as written: only the serializer sees the rewrite.
 *
 * - `anyOf: [X, {type: 'null'}]` becomes `X` with `nullable: true`;
 * - `anyOf` of bare types (`string` or `number`) becomes `type: [...]`.
 */
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{type: T}` and nothing else. */
function bareType(option: unknown): string | undefined {
  if (!isNode(option)) return undefined;
  const keys = Object.keys(option);
  return keys.length === 1 && keys[0] === 'type' && typeof option.type === 'string' ? option.type : undefined;
}

function withoutUnions(options: unknown[], rest: Node): Node | undefined {
  const types = options.map(bareType);
  const others = options.filter((_, i) => types[i] !== 'null');
  if (options.length === 2 && others.length === 1 && isNode(others[0]))
    return { ...rest, ...others[0], nullable: true };
  if (types.every((t) => t !== undefined)) return { ...rest, type: types };
  return undefined;
}

/** A copy of `schema` with its unions rewritten; the original (shared with the OpenAPI document) is untouched. */
export function serializableSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializableSchema);
  if (!isNode(schema)) return schema;
  const copy: Node = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = serializableSchema(value);
  const { anyOf, ...rest } = copy;
  if (!Array.isArray(anyOf)) return copy;
  return withoutUnions(anyOf, rest) ?? copy;
}

export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) =>
  fastJsonStringify(serializableSchema(schema) as Schema) as (data: unknown) => string;
