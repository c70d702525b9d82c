/**
 * @module api/routes/health-routes
 * `/healthz`: the process answers. `/readyz`: the database answers and its schema is the one this
 * code expects, so a load balancer sends traffic only to replicas that can serve it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../api-context.js';

const Readiness = Type.Object({
  status: Type.Enum(['ready', 'unavailable']),
  database: Type.String(),
  migrations: Type.String(),
  /** Whether this replica runs the reconciler and the scheduler right now. */
  controller: Type.Boolean(),
});

export const healthRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const tags = ['operations'];
  app.get('/healthz', { schema: { tags, response: { 200: Type.Object({ status: Type.String() }) } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags, response: { 200: Readiness, 503: Readiness } } }, async (request, reply) => {
    let database = 'ok';
    let migrations = 'current';
    try {
      await services.store.ping();
      const pending = await services.store.pendingMigrations();
      if (pending.length > 0) migrations = `pending: ${pending.join(', ')}`;
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      database = 'unreachable';
      migrations = 'unknown';
    }
    const ready = database === 'ok' && migrations === 'current';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, migrations, controller: services.controller.held });
  });
};
