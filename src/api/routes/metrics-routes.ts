/**
 * @module api/routes/metrics-routes
 * `GET /metrics`: the Prometheus text exposition, for system admins (a scraper sends an admin's
 * token as `Authorization: Bearer`), and the hook that times every API request for it. Latency is
 * labelled by route pattern, never by raw path, so ids do not multiply the series.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ApiContext, ApiMetrics } from '../api-context.js';
import { authenticate } from '../auth.js';
import { routePatternOf } from '../route-pattern.js';

/** Times every request of `api` (call inside the API's own context). */
export function timeRequests(api: FastifyInstance, metrics: ApiMetrics): void {
  // Callback style: nothing to wait for, and a promise per request would cost more than the observation.
  api.addHook('onResponse', (request, reply, done) => {
    metrics.apiRequest(
      request.method,
      routePatternOf(request) ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

export const metricsRoutes: FastifyPluginAsync<{ services: ApiContext }> = async (app, { services }) => {
  app.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await services.metrics.registry.metrics();
    return reply.type(services.metrics.registry.contentType).send(text);
  });
};
