/**
 * @module proxy/notebook-proxy
 * `/notebook/{instance_id}/…` → the instance's notebook server, HTTP (proxy/notebook-forwarding)
 * and WebSocket (`@fastify/http-proxy`), streamed. The path is kept as is (the notebook's base URL
 * is that same path). Access is checked before anything is forwarded (proxy/notebook-access: a
 * `?token=` link, an `Authorization` token header or the cookie), and so is the origin of
 * cookie-authenticated writes and upgrades (proxy/same-origin); the workload's own token is added
 * here and never leaves the server, and the caller's credentials — the instance token in the
 * header included — never reach the workload (proxy/workload-headers). A refusal says why, to a
 * browser with a link back to the console (proxy/denial). Every answer carries the headers of
 * proxy/security-headers. Open WebSockets are kept with the user who opened them and closed when
 * that user loses access (proxy/notebook-sockets).
 */
import httpProxy from '@fastify/http-proxy';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientOptions } from 'ws';
import type { IdentityWatch } from '../core/changes/identity-watch.js';
import type { NotebookOpeners } from '../core/identity/notebook-openers.js';
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/shared/clock.js';
import { consoleLinkFor, consoleLinkOnThisServer } from './console-link.js';
import { deny } from './denial.js';
import { ACCESS_COOKIE, checkAccess } from './notebook-access.js';
import type { NotebookAccessCache } from './notebook-access-cache.js';
import { mainOriginOf, notebookOriginOf, type NotebookHostPattern } from './notebook-hosts.js';
import { recordOpen } from './notebook-opens.js';
import {
  climbsOut,
  endToEnd,
  NotebookForwarding,
  type ProxyTimeouts,
  type Unreachable,
} from './notebook-forwarding.js';
import { NotebookSockets } from './notebook-sockets.js';
import { isSameOrigin, needsOriginCheck, sourceOf } from './same-origin.js';
import { setSecurityHeaders } from './security-headers.js';
import { workloadHeaders } from './workload-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    notebook: { endpoint: string; workloadToken: string } | null;
  }
}

export interface NotebookProxyOptions {
  store: Store;
  /** What the access check reads, kept between requests until it changes. */
  access: NotebookAccessCache;
  /** Who may still open a notebook, for the WebSockets open when identities change. */
  openers: NotebookOpeners;
  /** Tells when identities change, so the WebSockets of users who lost access are closed. */
  identityWatch: IdentityWatch;
  /**
   * The configured public URL, whose origin the CSRF check accepts besides the request's own,
   * unless notebooks have hosts of their own: then it accepts the notebook's origin instead, and
   * the console's origin may no more drive a notebook than another notebook may.
   */
  publicUrl: string | null;
  notebookHost: NotebookHostPattern | null;
  timeouts: ProxyTimeouts;
  /** For the audit entry of each opening (proxy/notebook-opens). */
  clock: Clock;
  replica: string;
}

/** A workload that could not be reached, or did not answer in time: 504 for time, 502 otherwise. */
function unreachable(reply: FastifyReply, { timedOut, code }: Unreachable, consoleLink: string | undefined): void {
  reply.log.warn({ code }, 'notebook unreachable');
  deny(
    reply,
    timedOut ? 504 : 502,
    timedOut ? 'The notebook did not answer in time.' : 'The notebook cannot be reached.',
    consoleLink,
  );
}

function upstreamHeaders<T extends Record<string, unknown>>(headers: T, request: FastifyRequest): T {
  return workloadHeaders(headers, request.headers.cookie, request.notebook!.workloadToken);
}

/**
 * A WebSocket's upgrade, which `@fastify/http-proxy` takes, told apart from every other request,
 * which proxy/notebook-forwarding takes (a route constraint, so each has a route of its own on the
 * same path). Node hands a request over as an upgrade on the same test.
 */
type Constraint = Parameters<FastifyInstance['addConstraintStrategy']>[0];

const upgradeConstraint: Constraint = {
  name: 'notebookUpgrade',
  storage() {
    const handlers = new Map<string, Parameters<ReturnType<Constraint['storage']>['set']>[1]>();
    return {
      get: (value) => handlers.get(String(value)) ?? null,
      set: (value, store) => void handlers.set(String(value), store),
    };
  },
  deriveConstraint: (req) =>
    req.headers.upgrade !== undefined && /\bupgrade\b/i.test(req.headers.connection ?? '') ? 'yes' : undefined,
  mustMatchWhenDerived: true,
};

function withoutToken(url: string): string {
  // Most requests (a cookie's, a header's) have no query at all: spared a URL parse each. One with
  // a query is parsed, as its names may be percent-encoded (`%74oken`).
  if (!url.includes('?')) return url;
  const parsed = new URL(url, 'http://local');
  parsed.searchParams.delete('token');
  return parsed.pathname + parsed.search;
}

/**
 * The query the workload gets: the request's, without `token`. The instance token is a demanager
 * credential, and Jupyter reads a `token` query before the `Authorization` header the proxy sets,
 * so a forwarded one would also fail there (a WebSocket `?token=` link, as `@jupyterlab/services`
 * opens them, or a write with the token in its query).
 */
function forwardedQuery(_search: string | undefined, requestUrl: string): string {
  return withoutToken(requestUrl).split('?')[1] ?? '';
}

export const notebookProxy: FastifyPluginAsync<NotebookProxyOptions> = async (app, options) => {
  const { store, access: cache, openers, identityWatch, publicUrl, notebookHost, timeouts, clock, replica } = options;
  const forwarding = new NotebookForwarding(timeouts);
  app.addHook('onClose', () => forwarding.close());
  /**
   * Where a refusal links to: the instance's page in the console, on this server, or with notebooks
   * on hosts of their own on the main one (no link when a notebook's host cannot tell which).
   */
  const consoleLinkOf = (request: FastifyRequest) => {
    const id = (request.params as { instance_id: string }).instance_id;
    if (!notebookHost) return consoleLinkFor(id, consoleLinkOnThisServer);
    const main = mainOriginOf(notebookHost, publicUrl, request);
    return main === null ? undefined : consoleLinkFor(id, (i) => main + consoleLinkOnThisServer(i));
  };
  app.decorateRequest('notebook', null);
  app.addHook('onSend', async (_request, reply) => setSecurityHeaders(reply));

  const sockets = new NotebookSockets(async (instanceId, userId) => {
    const instance = await store.instances.getById(instanceId);
    if (!instance) return { allowed: false, revision: -1 };
    const { users, revision } = await openers.of(instance);
    return { allowed: users.has(userId), revision };
  });
  identityWatch.start(
    () => sockets.size > 0,
    (revision) => sockets.recheck(revision),
  );

  async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const { instance_id: id } = request.params as { instance_id: string };
    const query = request.query as { token?: string };
    const token = typeof query.token === 'string' ? query.token : undefined;
    const access = await checkAccess({ cache }, id, {
      query: token,
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
    });
    if (!access.allowed) return deny(reply, access.status, access.reason, consoleLinkOf(request));
    const trusted = notebookHost ? notebookOriginOf(notebookHost, publicUrl, request, id) : publicUrl;
    // Only the cookie is an ambient credential a browser attaches to a forged request: a token in
    // the query or the header had to be known to whoever sent it (and a page of another origin
    // cannot set `Authorization` without a CORS preflight, which the proxy never approves).
    if (access.via === 'cookie' && needsOriginCheck(request) && !isSameOrigin(request, trusted)) {
      // Only the origin: a referer's path and query are none of the log's business.
      request.log.info({ from: sourceOf(request)?.origin ?? null }, 'cross-origin notebook request refused');
      return deny(reply, 403, 'The request did not come from a page of this server.', consoleLinkOf(request));
    }
    if (access.via === 'query' && request.method === 'GET' && !request.headers.upgrade) {
      // Trade the token in the link for a cookie scoped to this notebook, and drop it from the URL:
      // only for a link, which a browser follows; a client sending the header sends it every time.
      await recordOpen(
        { store, clock, replica },
        {
          instanceId: id,
          projectId: access.projectId,
          userId: access.userId,
          as: access.opensAs,
          source: request.ip,
        },
      ).catch((err: unknown) => request.log.error({ err }, 'audit record of a notebook opening not written'));
      const secure = request.protocol === 'https' ? '; Secure' : '';
      return reply
        .code(302)
        .header(
          'set-cookie',
          `${ACCESS_COOKIE}=${access.token}; Path=/notebook/${id}/; HttpOnly; SameSite=Lax${secure}`,
        )
        .header('cache-control', 'no-store')
        .header('location', withoutToken(request.url))
        .send();
    }
    if (request.headers.upgrade) sockets.admitted(request.raw.socket, id, access.userId, access.revision);
    request.notebook = { endpoint: access.endpoint, workloadToken: access.workloadToken };
  }

  // The body goes to the workload as it arrives, whatever its type; nothing here reads it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.addConstraintStrategy(upgradeConstraint);

  const forward = (request: FastifyRequest, reply: FastifyReply) => {
    if (climbsOut(request.url))
      return deny(reply, 400, 'A path may not climb out of its notebook.', consoleLinkOf(request));
    return forwarding.forward(
      request,
      reply,
      {
        endpoint: request.notebook!.endpoint,
        path: withoutToken(request.url),
        headers: upstreamHeaders(endToEnd(request.headers), request),
      },
      (why) => unreachable(reply, why, consoleLinkOf(request)),
    );
  };
  for (const url of ['/notebook/:instance_id', '/notebook/:instance_id/*'])
    app.route({
      url,
      method: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'],
      preHandler: authorize,
      // Its successes at debug level (api/request-log), as Jupyter logs them: the write of a line per
      // request was the largest part of what the proxy added to a small one.
      config: { quietSuccesses: true },
      handler: forward,
    });

  // A documented option (README "wsClientOptions") that the package's typings leave out.
  const wsClientOptions = {
    queryString: forwardedQuery,
    rewriteRequestHeaders: (headers: IncomingHttpHeaders, request: FastifyRequest) => upstreamHeaders(headers, request),
  } as unknown as ClientOptions;

  await app.register(httpProxy, {
    upstream: '',
    prefix: '/notebook/:instance_id',
    rewritePrefix: '/notebook/:instance_id',
    websocket: true,
    httpMethods: ['GET'],
    constraints: { notebookUpgrade: 'yes' },
    preHandler: authorize,
    // Only upgrades reach it (the constraint above): `@fastify/reply-from`'s two log lines per
    // forwarded request would be about nothing it does here.
    disableRequestLogging: true,
    // Where an upgrade goes: the admitted instance's notebook server.
    replyOptions: { getUpstream: (request) => (request as FastifyRequest).notebook!.endpoint },
    wsClientOptions,
    // The proxy accepts the client's upgrade before it opens the workload's, so it cannot pass on
    // the subprotocol the workload would pick. ws's default picks the client's first, which Jupyter
    // Server 2 speaks (`v1.kernel.websocket.jupyter.org`) but notebook 6 does not: the workload
    // answers without it, the proxy's connection fails, and the client, told the protocol was
    // accepted, reconnects with it forever. With none chosen, clients (JupyterLab 4,
    // `@jupyterlab/services`) fall back to Jupyter's original protocol, which every notebook
    // server speaks.
    wsServerOptions: { handleProtocols: () => false },
    wsHooks: {
      onConnect: (_context, source, target) => {
        // @fastify/http-proxy closes the workload's side of a client that left only if it was
        // already open; one still connecting would stay open, unread. To notebook 6 it is a live
        // connection of the client's session, which takes the messages of the client's next one
        // (`@jupyterlab/services` in Node leaves its first upgrade at once; see above).
        if (source.readyState !== source.OPEN) target.terminate();
        else sockets.opened(source);
      },
    },
  });
};
