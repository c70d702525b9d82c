/**
 * @module api/nul-guard
 * Refuses a NUL character anywhere in a request's path parameters, query or JSON body (keys
 * included) with 6336 naming the field. PostgreSQL can hold NUL neither in `text` nor in `jsonb`,
 * so a lookup by `x%00` failed there as a database error (500) while SQLite answered; no field of
 * this API has a use for NUL, and refusing it at the edge keeps the two stores alike. The path
 * and query are checked on request, before authentication looks anything up by them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/shared/errors.js';

/** Arrays and plain objects only: a proxied body is a stream, whose insides are not input. */
function isJsonContainer(node: unknown): node is Record<string, unknown> {
  if (node === null || typeof node !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(node);
  return Array.isArray(node) || proto === Object.prototype || proto === null;
}

/** The dotted path of the first string or key holding NUL, `''` for the root; iterative, as bodies may nest deeply. */
export function nulPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (isJsonContainer(node)) {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return childPath.replace(/\u0000/g, '\\u0000');
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

function refuse(value: unknown, part: string): void {
  const path = nulPath(value);
  if (path !== undefined) throw new DomainError('ModelArts.6336', path || part);
}

/** Runs `check` as a callback-style hook: on every request, a promise per hook cost more than the check. */
function guard(check: (request: FastifyRequest) => void) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    try {
      check(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  };
}

export function registerNulGuard(app: FastifyInstance): void {
  app.addHook(
    'onRequest',
    guard((request) => {
      // Router and query parser build their own object types: copied into plain ones to be walked.
      refuse({ ...(request.params as object) }, 'params');
      refuse({ ...(request.query as object) }, 'querystring');
    }),
  );
  app.addHook(
    'preValidation',
    guard((request) => refuse(request.body, 'body')),
  );
}
