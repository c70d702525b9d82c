/**
 * @module api/route-pattern
 * The route a request matched, written as the API reference writes paths
 * (`/v1/{project_id}/demanager/instances`), for the audit trail and the metrics labels.
 */
import type { FastifyRequest } from 'fastify';

/** undefined when the request matched no route. */
export function routePatternOf(request: FastifyRequest): string | undefined {
  return request.routeOptions.url?.replace(/:([A-Za-z_]+)/g, '{$1}');
}
