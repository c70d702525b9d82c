/**
 * @module api/validation-errors
 * Maps schema validation failures to the ModelArts codes clients expect: a missing property is
 * 6335, a wrong JSON type 6332, any other rule (enum, range, length) 6336.
 */
import type { FastifySchemaValidationError } from 'fastify';
import { DomainError } from '../core/shared/errors.js';

function dotted(path: string): string {
  return path.split('/').filter(Boolean).join('.');
}

function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

export function validationError(errors: readonly FastifySchemaValidationError[], part: string): DomainError {
  const required = errors.find((e) => e.keyword === 'required');
  if (required) {
    const missing =
      (required.params as { requiredProperties?: string[]; missingProperty?: string }).requiredProperties?.[0] ??
      (required.params as { missingProperty?: string }).missingProperty ??
      '';
    return new DomainError('ModelArts.6335', join(dotted(required.instancePath), missing));
  }
  // The first error is the most specific: for `string | null` it names the first allowed type.
  const first = errors[0];
  if (!first) return new DomainError('ModelArts.6336', part);
  const field = dotted(first.instancePath) || part;
  if (first.keyword === 'type') {
    return new DomainError('ModelArts.6332', field, String((first.params as { type?: unknown }).type ?? 'object'));
  }
  return new DomainError('ModelArts.6336', field);
}
