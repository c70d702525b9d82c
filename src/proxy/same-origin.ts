/**
 * @module proxy/same-origin
 * CSRF protection of the notebook proxy. The proxy authenticates every forwarded request to
 * Jupyter with the workload's token, and Jupyter skips its own `_xsrf` and Origin checks for
 * token-authenticated requests — so the proxy is the only place left to make them. A request the
 * access cookie authenticates that changes state (any method but GET, HEAD and OPTIONS) or opens
 * a WebSocket must come from a page of this server: its `Origin` (or, without one, its `Referer`)
 * has the request's own `Host`, or the one origin the proxy trusts besides: the configured public
 * URL's or, with a host name per notebook (proxy/notebook-hosts), the notebook's own. A request with
 * neither header, or `Origin: null`, is refused: browsers send `Origin` on every such request,
 * and scripts holding the cookie can send it too. A request carrying the token in its query or in
 * an `Authorization` header (proxy/notebook-access) is not checked: it carries no cookie to abuse,
 * a forger would have to know the token, and a page of another origin cannot set that header
 * without a CORS preflight, which the proxy never approves.
 */
import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function needsOriginCheck(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method) || request.headers.upgrade !== undefined;
}

function urlOf(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Where the request says it came from: its `Origin`, else its `Referer`. */
export function sourceOf(request: FastifyRequest): URL | undefined {
  return urlOf(request.headers.origin ?? request.headers.referer);
}

/** Whether the request names this server as where it came from; see the module comment. */
export function isSameOrigin(request: FastifyRequest, trusted: string | null): boolean {
  const source = sourceOf(request);
  if (!source || !/^https?:$/.test(source.protocol)) return false;
  if (request.headers.host !== undefined && source.host === request.headers.host.toLowerCase()) return true;
  return trusted !== null && source.origin === urlOf(trusted)?.origin;
}
