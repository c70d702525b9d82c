/**
 * @module api/auth
 * Resolves the caller from `X-Auth-Token` or `Authorization: Bearer`, and checks that a token
 * scoped to one project is used only on that project's paths (403 ModelArts.0210). Runs as an
 * onRequest hook, before the body is parsed or validated, so a stranger learns nothing else.
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { IdentityService, Principal } from '../core/identity-service.js';
import type { Actor } from '../core/lifecycle-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header) return header;
  const authorization = request.headers.authorization;
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
}

/** Authenticates the request; with `scoped`, the path's `project_id` must be the token's project. */
export function authenticate(identity: IdentityService, options: { scoped: boolean; systemAdmin?: boolean }): onRequestAsyncHookHandler {
  return async (request) => {
    const token = tokenOf(request);
    if (!token) throw new ApiError('ModelArts.0201');
    const principal = await identity.authenticate(token);
    request.principal = principal;
    if (options.scoped) {
      const projectId = (request.params as { project_id?: string }).project_id;
      if (projectId !== principal.projectId) throw new ApiError('ModelArts.0210');
    }
    if (options.systemAdmin && !principal.isSystemAdmin) throw new ApiError('ModelArts.0108');
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('ModelArts.0201');
  return request.principal;
}

export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request);
  return { userId: p.userId, userName: p.userName, projectId: p.projectId, isProjectAdmin: p.roles.includes('admin') };
}
