/**
 * @module api/cookie-session
 * The console's sign-in that survives a reload: offered only with a host name per notebook
 * (`notebookHost`), when no notebook's page shares the console's origin. With notebooks served
 * under `/notebook/{id}/` on the console's own origin, a notebook's script could use any credential
 * of that origin (fetch the API with its cookies, or frame `/console/` and read the page), so the
 * console keeps its token in memory there and a reload signs out.
 *
 * The cookie holds the API token itself, HttpOnly: the token already is a session (random, stored
 * only as its hash, expiring, revoked at sign-out, at a password change and when the user is
 * disabled), and a second kind of session would guard against nothing more, since whoever could
 * take the cookie's value out of the browser could take any value kept there. It is host-only (no
 * `Domain`), so no notebook host ever receives it; `SameSite=Strict`; `Secure` over HTTPS; and it
 * is set twice, at `Path=/v1/` and `Path=/v3/`, the two APIs the console calls, so the browser
 * never sends it anywhere else: not to the console's files, `/metrics`, nor `/notebook/` (which the
 * proxy would strip it from anyway, passing only Jupyter's own cookies). No `Max-Age`: it ends with
 * the browser session, or before, when the token expires.
 *
 * Notebook hosts are other origins of the same site, so `SameSite` lets a notebook's script send
 * the cookie with a request to the API. Every state-changing request the cookie authenticates must
 * therefore carry `X-Demanager-CSRF` with the value only the console learns (from the session
 * endpoint, which no other origin can read), and come from the console's own origin (`Origin` and,
 * when sent, `Sec-Fetch-Site: same-origin`): a page of another origin cannot set that header
 * without a CORS preflight, which this server never approves. Reads need neither: another origin
 * cannot read their answers.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/shared/errors.js';
import { cookieValue } from '../proxy/notebook-access.js';
import { isSameOrigin, needsOriginCheck } from '../proxy/same-origin.js';
import type { ApiContext } from './api-context.js';

export const SESSION_COOKIE = 'demanager-session';
export const CSRF_HEADER = 'x-demanager-csrf';
/** Where the browser sends the cookie: the APIs the console calls, nothing else. */
export const SESSION_COOKIE_PATHS = ['/v1/', '/v3/'] as const;

type Config = Pick<ApiContext['config'], 'notebookHost' | 'publicUrl'>;

const REFUSED =
  "a request signed in by the console's cookie must come from the console's own page, with its X-Demanager-CSRF header";

/** Whether the console may sign in with the cookie: only when every notebook is on a host of its own. */
export function cookieSessionsOn(config: Config): boolean {
  return config.notebookHost !== null;
}

/** The value the console sends in `X-Demanager-CSRF`: derived from the token, so no replica stores it. */
export function csrfTokenOf(token: string): string {
  return createHash('sha256').update(`demanager-csrf\n${token}`).digest('base64url');
}

/** The token in the request's session cookie, when cookie sessions are on. */
export function cookieTokenOf(config: Config, request: FastifyRequest): string | undefined {
  if (!cookieSessionsOn(config)) return undefined;
  return cookieValue(request.headers.cookie, SESSION_COOKIE) || undefined;
}

/**
 * Refuses (403 ModelArts.0108) a state-changing request from anywhere but the console's page:
 * `token` is the cookie's, or null for the sign-in itself, which has none yet and needs only the
 * header's presence (what forces another origin's request through a preflight).
 */
export function checkCookieRequest(config: Config, request: FastifyRequest, token: string | null): void {
  if (!needsOriginCheck(request)) return;
  const sent = request.headers[CSRF_HEADER];
  const site = request.headers['sec-fetch-site'];
  const ok =
    typeof sent === 'string' &&
    sent !== '' &&
    (token === null || sent === csrfTokenOf(token)) &&
    // The Referer stands in for a missing Origin elsewhere; here the browser always sends Origin.
    request.headers.origin !== undefined &&
    isSameOrigin(request, config.publicUrl) &&
    (site === undefined || site === 'same-origin');
  if (!ok) throw new DomainError('ModelArts.0108').because(REFUSED);
}

function secure(config: Config, request: FastifyRequest): string {
  return request.protocol === 'https' || config.publicUrl?.startsWith('https:') ? '; Secure' : '';
}

/** Sets the session cookie (at each of its paths) to `token`. */
export function setSessionCookie(config: Config, request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header(
    'set-cookie',
    SESSION_COOKIE_PATHS.map(
      (path) => `${SESSION_COOKIE}=${token}; Path=${path}; HttpOnly; SameSite=Strict${secure(config, request)}`,
    ),
  );
}

/** Tells the browser to forget the session cookie at each of its paths. */
export function clearSessionCookie(config: Config, request: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    SESSION_COOKIE_PATHS.map(
      (path) => `${SESSION_COOKIE}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Strict${secure(config, request)}`,
    ),
  );
}
