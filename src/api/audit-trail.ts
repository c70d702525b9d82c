/**
 * @module api/audit-trail
 * Records every API call that asks for a change (any method but GET, HEAD and OPTIONS) once its
 * answer has gone: who, what, when, from where, and the outcome — granted or the error code the
 * caller got. Request bodies are never recorded; only the few fields named here, none secret.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditRecord, Store } from '../core/ports/store.js';
import type { Clock } from '../core/shared/clock.js';
import { routePatternOf } from './route-pattern.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code the answer carried, read as it was sent. */
    auditOutcome: string | null;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function errorCodeOf(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const code = (JSON.parse(payload) as { error_code?: unknown }).error_code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * The few fields worth keeping: what action was asked for, which name a login tried, whom a
 * notebook was shared with or unshared from (the target is the instance).
 */
function detailOf(request: FastifyRequest, params: Record<string, string | undefined>): Record<string, string> | null {
  const body = request.body as
    | {
        action?: unknown;
        user_name?: unknown;
        user_id?: unknown;
        auth?: { identity?: { password?: { user?: { name?: unknown } } } };
      }
    | undefined;
  if (typeof body?.action === 'string') return { action: body.action.slice(0, 64) };
  if (params.instance_id !== undefined) {
    const user = params.user_id ?? body?.user_id ?? body?.user_name;
    if (typeof user === 'string') return { user: user.slice(0, 128) };
  }
  const user = body?.auth?.identity?.password?.user?.name;
  if (typeof user === 'string') return { user: user.slice(0, 128) };
  return null;
}

export function recordChanges(api: FastifyInstance, services: { store: Store; clock: Clock; replica: string }): void {
  api.decorateRequest('auditOutcome', null);
  // Callback style where nothing is awaited: reads pass through these hooks on every request.
  api.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode >= 400 && !READS.has(request.method))
      request.auditOutcome = errorCodeOf(payload) ?? `HTTP ${reply.statusCode}`;
    done(null, payload);
  });
  api.addHook('onResponse', (request, reply, done) => {
    // Refusals past a rate limit are not kept: a flood would otherwise write without bound.
    if (READS.has(request.method) || reply.statusCode === 429) return done();
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const principal = request.principal;
    const record: AuditRecord = {
      at: services.clock.now(),
      projectId: params.project_id ?? principal?.projectId ?? null,
      userId: principal?.userId ?? null,
      userName: principal?.userName ?? null,
      action: `${request.method} ${routePatternOf(request) ?? request.url.split('?')[0] ?? ''}`,
      target: params.instance_id ?? params.user_id ?? params.access_key ?? params.id ?? params.name ?? null,
      source: request.ip,
      status: reply.statusCode,
      outcome: reply.statusCode < 400 ? 'success' : (request.auditOutcome ?? `HTTP ${reply.statusCode}`),
      replica: services.replica,
      detail: detailOf(request, params),
    };
    // The answer is gone already; a trail that cannot be written is an operator's problem, loudly.
    services.store.audit
      .record(record)
      .catch((err: unknown) => request.log.error({ err }, 'audit record not written'))
      .finally(() => done());
  });
}
