/**
 * @module api/auth
 * Resolves the caller from `X-Auth-Token` or `Authorization: Bearer`, or from an `SDK-HMAC-SHA256`
 * signature made with an access key, or, with neither, from the console's session cookie, whose
 * state-changing requests must come from the console's page (api/cookie-session). A token scoped to one project is used only on that project's
 * paths (403 ModelArts.0210); a signed request acts in the path's project (`X-Project-Id`, if
 * sent, must name it), and every signature failure is 401 APIGW.0301. Runs as a preParsing hook:
 * a signature covers the body's bytes, so they are read here, but before they are parsed or
 * validated, so a stranger learns nothing else.
 */
import type { FastifyRequest, preParsingAsyncHookHandler } from 'fastify';
import { SIGNATURE_WINDOW_MS, SignatureRejected, signsPayload } from '../core/identity/access-keys.js';
import { DomainError } from '../core/shared/errors.js';
import type { Principal } from '../core/identity/service.js';
import type { Actor } from '../core/instances/lifecycle-service.js';
import { SIGNING_ALGORITHM } from '../core/identity/request-signing.js';
import type { ApiContext } from './api-context.js';
import { checkCookieRequest, cookieTokenOf } from './cookie-session.js';
import { readBody, replayBody } from './request-body.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const NO_ROLE =
  'this token holds no role in its project; a system admin signed in there may use the administration API (/v3) only, so give yourself a role first';

export type Authenticators = Pick<ApiContext, 'identity' | 'accessKeys' | 'config'>;

export interface AuthOptions {
  /** The path's `project_id` must be the caller's project. */
  scoped: boolean;
  /** Only system admins pass (403 ModelArts.0108 for others). */
  systemAdmin?: boolean;
}

export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header) return header;
  const authorization = request.headers.authorization;
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
}

/** A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3): nothing to read. */
function hasBody(request: FastifyRequest): boolean {
  return request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
}

function isSigned(request: FastifyRequest): boolean {
  return request.headers.authorization?.startsWith(SIGNING_ALGORITHM) ?? false;
}

async function signedPrincipal(
  auth: Authenticators,
  request: FastifyRequest,
  body: Buffer | undefined,
  scoped: boolean,
): Promise<Principal> {
  const at = request.url.indexOf('?');
  const verified = await auth.accessKeys.verify({
    method: request.method,
    path: at < 0 ? request.url : request.url.slice(0, at),
    query: at < 0 ? '' : request.url.slice(at + 1),
    headers: request.headers,
    ...(body ? { body } : {}),
  });
  const pathProject = (request.params as { project_id?: string }).project_id;
  const sent = request.headers['x-project-id'];
  const headerProject = Array.isArray(sent) ? sent.join(',') : sent;
  if (scoped && headerProject !== undefined && headerProject !== pathProject)
    throw new SignatureRejected("X-Project-Id is not the path's project");
  const window = { issuedAt: verified.signedAt, expiresAt: verified.signedAt + SIGNATURE_WINDOW_MS };
  return auth.identity.signedPrincipal(verified.userId, scoped ? pathProject : headerProject, window);
}

/** Authenticates the request; see the module comment for the rules. */
export function authenticate(auth: Authenticators, options: AuthOptions): preParsingAsyncHookHandler {
  return async (request, _reply, payload) => {
    let replay: Buffer | undefined;
    if (isSigned(request)) {
      replay =
        signsPayload(request.headers) && hasBody(request)
          ? await readBody(payload, request.routeOptions.bodyLimit, request.headers['content-length'])
          : undefined;
      try {
        request.principal = await signedPrincipal(auth, request, replay, options.scoped);
      } catch (err) {
        if (err instanceof SignatureRejected) request.log.info({ reason: err.reason }, 'signed request rejected');
        throw err;
      }
    } else {
      const header = tokenOf(request);
      // A header wins over the cookie: another origin cannot set it, so it needs no CSRF check.
      const cookie = header ? undefined : cookieTokenOf(auth.config, request);
      const token = header ?? cookie;
      if (!token) throw new DomainError('ModelArts.0201');
      if (cookie) checkCookieRequest(auth.config, request, cookie);
      request.principal = await auth.identity.authenticate(token);
      if (options.scoped && (request.params as { project_id?: string }).project_id !== request.principal.projectId)
        throw new DomainError('ModelArts.0210');
      // Only a system admin's token holds no role (core/identity/service): it administers, it acts in no project.
      if (options.scoped && request.principal.roles.length === 0)
        throw new DomainError('ModelArts.0108').because(NO_ROLE);
    }
    if (options.systemAdmin && !request.principal.isSystemAdmin) throw new DomainError('ModelArts.0108');
    // Fastify parses the payload this hook returns; the one it was given has been read.
    return replay ? replayBody(replay) : undefined;
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('ModelArts.0201');
  return request.principal;
}

export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request);
  return { userId: p.userId, userName: p.userName, projectId: p.projectId, isProjectAdmin: p.roles.includes('admin') };
}
