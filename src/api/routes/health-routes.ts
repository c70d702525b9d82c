/**
 * @module api/routes/health-routes
 * `/healthz`: the process answers. `/readyz`: the database answers, takes a write (see
 * core/replica/write-probe) and its schema is the one this code expects, so a load balancer sends
 * traffic only to replicas that can serve it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../api-context.js';
import { WriteProbe } from '../../core/replica/write-probe.js';

const Readiness = Type.Object({
  status: Type.Enum(['ready', 'unavailable']),
  database: Type.String(),
  migrations: Type.String(),
  /** `ok`, or why a write failed (`failing: full`, `failing: read-only`, …). */
  writes: Type.String(),
  /** Whether this replica runs the reconciler and the scheduler right now. */
  controller: Type.Boolean(),
});

export const healthRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const tags = ['operations'];
  const writeProbe = new WriteProbe(services.store, services.clock, app.log, services.replica);
  app.get('/healthz', { schema: { tags, response: { 200: Type.Object({ status: Type.String() }) } } }, async () => ({
    status: 'ok',
  }));

  app.get('/readyz', { schema: { tags, response: { 200: Readiness, 503: Readiness } } }, async (request, reply) => {
    let database = 'ok';
    let migrations = 'current';
    let writes = 'unknown';
    try {
      await services.store.ping();
      const pending = await services.store.pendingMigrations();
      if (pending.length > 0) migrations = `pending: ${pending.join(', ')}`;
      // Before the migrations have run there is no table to write to.
      else writes = await writeProbe.check();
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      database = 'unreachable';
      migrations = 'unknown';
    }
    const ready = database === 'ok' && migrations === 'current' && writes === 'ok';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      database,
      migrations,
      writes,
      controller: services.controller.held,
    });
  });
};
