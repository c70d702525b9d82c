/**
 * @module proxy/notebook-proxy
 * `/notebook/{instance_id}/…` → the instance's notebook server, HTTP and WebSocket, streamed. The
 * path is kept as is (the notebook's base URL is that same path). Access is checked before
 * anything is forwarded; the workload's own token is added here and never leaves the server.
 */
import httpProxy from '@fastify/http-proxy';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientOptions } from 'ws';
import type { InstanceTokens } from '../core/instance-tokens.js';
import type { Store } from '../core/store.js';
import { ACCESS_COOKIE, checkAccess, withoutAccessCookie } from './notebook-access.js';
import { deniedPage } from './denied-page.js';

declare module 'fastify' {
  interface FastifyRequest {
    notebook: { endpoint: string; workloadToken: string } | null;
  }
}

export interface NotebookProxyOptions {
  store: Store;
  instanceTokens: InstanceTokens;
}

const HOP_SECRETS = ['authorization', 'x-auth-token', 'cookie'];

function upstreamHeaders<T extends Record<string, unknown>>(headers: T, request: FastifyRequest): T {
  const next: Record<string, unknown> = { ...headers };
  for (const name of HOP_SECRETS) delete next[name];
  const cookie = withoutAccessCookie(request.headers.cookie);
  if (cookie) next.cookie = cookie;
  next.authorization = `token ${request.notebook!.workloadToken}`;
  return next as T;
}

function withoutToken(url: string): string {
  const parsed = new URL(url, 'http://local');
  parsed.searchParams.delete('token');
  return parsed.pathname + parsed.search;
}

export const notebookProxy: FastifyPluginAsync<NotebookProxyOptions> = async (app, { store, instanceTokens }) => {
  app.decorateRequest('notebook', null);

  async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const { instance_id: id } = request.params as { instance_id: string };
    const query = request.query as { token?: string };
    const access = await checkAccess(store, instanceTokens, id, typeof query.token === 'string' ? query.token : undefined, request.headers.cookie);
    if (!access.allowed) {
      return reply.code(access.status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(deniedPage(access.reason));
    }
    if (access.fromQuery && request.method === 'GET' && !request.headers.upgrade) {
      // Trade the token in the link for a cookie scoped to this notebook, and drop it from the URL.
      const secure = request.protocol === 'https' ? '; Secure' : '';
      return reply
        .code(302)
        .header('set-cookie', `${ACCESS_COOKIE}=${access.token}; Path=/notebook/${id}/; HttpOnly; SameSite=Lax${secure}`)
        .header('cache-control', 'no-store')
        .header('location', withoutToken(request.url))
        .send();
    }
    request.notebook = { endpoint: access.endpoint, workloadToken: access.workloadToken };
  }

  // A documented option (README "wsClientOptions") that the package's typings leave out.
  const wsClientOptions = {
    rewriteRequestHeaders: (headers: IncomingHttpHeaders, request: FastifyRequest) => upstreamHeaders(headers, request),
  } as unknown as ClientOptions;

  await app.register(httpProxy, {
    upstream: '',
    prefix: '/notebook/:instance_id',
    rewritePrefix: '/notebook/:instance_id',
    websocket: true,
    preHandler: authorize,
    replyOptions: {
      getUpstream: (request) => (request as FastifyRequest).notebook!.endpoint,
      rewriteRequestHeaders: (request, headers) => upstreamHeaders(headers, request as FastifyRequest),
    },
    wsClientOptions,
  });
};
