/**
 * @module server/host-routing
 * With a host name per notebook (`notebookHost`, proxy/notebook-hosts), which host serves what, in
 * this one place, before any route runs: a notebook's host serves `/notebook/{that id}/…` and
 * nothing else, and every other host (the public URL's, an address a load balancer probes) serves
 * the API, the console and the health checks, and no notebook. Anything else is answered 404, as
 * what does not exist at that origin (no token would make it appear, so not 403): a ModelArts error
 * for the API's paths, the proxy's page for a notebook's. Were a notebook served on the main host or
 * another notebook's, its pages would share that origin, which is what the setting is there to end.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../api/http-error.js';
import { deniedPage } from '../proxy/denied-page.js';
import { notebookIdOfHost, type NotebookHostPattern } from '../proxy/notebook-hosts.js';

/** The instance id a request path names under `/notebook/`, as written, or null for any other path. */
function notebookIdOfPath(url: string): string | null {
  return /^\/notebook\/([^/?#]+)(?:[/?#]|$)/.exec(url)?.[1] ?? null;
}

function notHere(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(deniedPage('This notebook is not served at this address. Open it from the console (or GET …/token).'));
}

export function routeByHost(app: FastifyInstance, pattern: NotebookHostPattern | null): void {
  if (!pattern) return;
  app.addHook('onRequest', async (request, reply) => {
    const hostId = notebookIdOfHost(pattern, request.hostname);
    const pathId = notebookIdOfPath(request.url);
    if (hostId === null && pathId === null) return;
    // The host is the id in lower case (browsers lower-case host names); the path keeps its case.
    if (hostId !== null && pathId?.toLowerCase() === hostId) return;
    if (pathId !== null) return notHere(reply);
    throw new HttpError('ModelArts.0404', request.url.split('?')[0] ?? '');
  });
}
