/**
 * @module api/public-url
 * The base URL clients should use for this server: the configured one, or the origin the request
 * came to (so a server on a random port or behind a name still hands out working URLs).
 */
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from './api-context.js';

export function publicUrlOf(services: Pick<ApiContext, 'config'>, request: FastifyRequest): string {
  return (services.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}
