/**
 * @module api/public-url
 * The base URL clients should use for this server: the configured one, or the origin the request
 * came to (so a server on a random port or behind a name still hands out working URLs); and the
 * URL of a notebook, on that origin or, with `notebookHost`, on the notebook's own host.
 */
import type { FastifyRequest } from 'fastify';
import { notebookOriginOf } from '../proxy/notebook-hosts.js';
import type { ApiContext } from './api-context.js';

export function publicUrlOf(services: Pick<ApiContext, 'config'>, request: FastifyRequest): string {
  return (services.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/** Where the notebook of instance `id` opens: always the path `/notebook/{id}/`, Jupyter's base URL. */
export function notebookUrlOf(services: Pick<ApiContext, 'config'>, request: FastifyRequest, id: string): string {
  const { notebookHost, publicUrl } = services.config;
  const origin = notebookHost ? notebookOriginOf(notebookHost, publicUrl, request, id) : publicUrlOf(services, request);
  return `${origin}/notebook/${id}/`;
}
