/**
 * @module web/console-routes
 * Serves the web console at `/console/` from the same origin as the API. The page may run only
 * its own script and style files (a Content-Security-Policy without 'unsafe-inline'), talk only
 * to this origin, and be framed by nobody. Hashed assets are cached for a year; the page itself
 * is revalidated on every load, so a new build is picked up at once.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../api/http-error.js';
import { loadConsoleFiles, type ConsoleFile } from './console-files.js';

/** Where `npm run build:console` puts the console, from src/web or dist/web alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

export const consoleRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, options) => {
  const dir = options.dir ?? CONSOLE_DIR;
  const files = loadConsoleFiles(dir);
  if (!files) app.log.warn({ dir }, 'the web console is not built (npm run build:console): /console/ answers 404');

  function send(request: FastifyRequest, reply: FastifyReply, name: string) {
    const file: ConsoleFile | undefined = files?.get(name);
    if (!file) throw new HttpError('ModelArts.0404', request.url.split('?')[0] ?? '');
    reply.headers(HEADERS);
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('etag', file.etag);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  }

  const hide = { schema: { hide: true } };
  app.get('/console', hide, (request, reply) => send(request, reply, 'index.html'));
  app.get('/console/', hide, (request, reply) => send(request, reply, 'index.html'));
  app.get<{ Params: { '*': string } }>('/console/*', hide, (request, reply) =>
    send(request, reply, request.params['*'] || 'index.html'),
  );
};
