/**
 * @module api/schema-validator
 * Fastify's validator for the TypeBox schemas, compiled once per route and part. Path and query
 * values arrive as strings; where the schema asks for a number or a boolean they are converted
 * here, strictly: `limit=10` is 10, while `limit=1.5`, `1e3`, `+1`, ` 1` and `0x10` stay what they are
 * and are refused as not an integer (an integer is its decimal digits, nothing else: `1e3` is a
 * number to JavaScript but not what anyone typing a page size means), and an empty value is the
 * same as none (the default). TypeBox's own `Value.Convert` did this
 * before, and cost more than the rest of a list request together: it evaluates an enum's type
 * afresh on every call, and it truncated `1.5` to 1 and read `true` as 1. A body is JSON and is
 * never converted.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
/** Decimal digits; a minus sign is read so that `-1` is refused as out of range, as it is. */
const INTEGER = /^-?[0-9]+$/;

function converted(type: unknown, raw: string): unknown {
  if (type === 'integer') return INTEGER.test(raw) ? Number(raw) : raw;
  if (type === 'number') return NUMBER.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** The strings of a flat path or query object converted to the types of `schema`'s properties. */
function fromStrings(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (properties === undefined || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const type = properties[key]?.type;
    const scalar = type === 'integer' || type === 'number' || type === 'boolean';
    if (scalar && raw === '') continue;
    out[key] = scalar && typeof raw === 'string' ? converted(type, raw) : raw;
  }
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  return (value: unknown) => {
    if (validator.Check(value)) return { value };
    const input = httpPart === 'body' ? value : fromStrings(schema, value);
    return validator.Check(input) ? { value: input } : { error: validator.Errors(input) as never };
  };
};
