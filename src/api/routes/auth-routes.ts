/**
 * @module api/routes/auth-routes
 * `POST /v3/auth/tokens`: IAM password login. Answers 201 with the token in `X-Subject-Token` and
 * a Keystone token body whose catalog points clients at this server's ModelArts API. `GET` describes
 * the calling token; `DELETE` revokes the one in `X-Subject-Token` (the caller's own user's, or any for
 * a system admin), as Keystone does: the console's sign-out.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { DomainError } from '../../core/shared/errors.js';
import type { Principal } from '../../core/identity/service.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { LoginBody, TokenBody } from '../schemas/identity-schemas.js';
import { publicUrlOf } from '../public-url.js';

/** Keystone's timestamp form: microseconds and a Z. */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function tokenBody(principal: Principal, baseUrl: string, region: string) {
  const domain = { id: principal.domain, name: principal.domain };
  return {
    token: {
      expires_at: keystoneTime(principal.expiresAt),
      issued_at: keystoneTime(principal.issuedAt),
      methods: ['password'],
      // Beyond Keystone's fields: whether the caller may use the administration API (the console asks).
      user: { id: principal.userId, name: principal.userName, domain, is_system_admin: principal.isSystemAdmin },
      project: { id: principal.projectId, name: principal.projectName, domain },
      roles: principal.roles.map((r) => ({ id: r, name: r })),
      catalog: [
        {
          type: 'modelartsv1',
          id: 'modelartsv1',
          name: 'modelarts',
          endpoints: [
            {
              id: `modelartsv1-${region}`,
              interface: 'public',
              region,
              region_id: region,
              url: `${baseUrl}/v1/${principal.projectId}`,
            },
          ],
        },
      ],
    },
  };
}

/** The IAM password login a body asks for, from `address` (for the lockout). */
export function passwordLogin(services: Pick<ApiContext, 'identity'>, body: Static<typeof LoginBody>, address: string) {
  const { user } = body.auth.identity.password;
  const scope = body.auth.scope?.project;
  return services.identity.login({
    userName: user.name,
    password: user.password,
    address,
    ...(user.domain?.name ? { domain: user.domain.name } : {}),
    ...(scope
      ? { project: { ...(scope.id ? { id: scope.id } : {}), ...(scope.name ? { name: scope.name } : {}) } }
      : {}),
  });
}

export const authRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const tags = ['identity'];
  app.post(
    '/v3/auth/tokens',
    { schema: { tags, summary: 'Password login', body: LoginBody, response: { 201: TokenBody, '4xx': ErrorBody } } },
    async (request, reply) => {
      const issued = await passwordLogin(services, request.body, request.ip);
      reply.code(201).header('X-Subject-Token', issued.token);
      return tokenBody(issued.principal, publicUrlOf(services, request), services.config.region);
    },
  );

  // Keystone's token validation: who does the calling token belong to.
  app.get(
    '/v3/auth/tokens',
    {
      preParsing: authenticate(services, { scoped: false }),
      schema: { tags, summary: 'Describe the calling token', response: { 200: TokenBody, '4xx': ErrorBody } },
    },
    async (request) => tokenBody(principalOf(request), publicUrlOf(services, request), services.config.region),
  );

  app.delete(
    '/v3/auth/tokens',
    {
      preParsing: authenticate(services, { scoped: false }),
      schema: { tags, summary: 'Revoke a token', response: { 204: Type.Null(), '4xx': ErrorBody } },
    },
    async (request, reply) => {
      const subject = request.headers['x-subject-token'];
      if (typeof subject !== 'string' || !subject) throw new DomainError('ModelArts.0201');
      const caller = principalOf(request);
      // Whose token it is decides who may revoke it; an unknown or expired one is answered as Keystone does.
      const owner = await services.identity.authenticate(subject);
      if (owner.userId !== caller.userId && !caller.isSystemAdmin) throw new DomainError('ModelArts.0108');
      await services.identity.revoke(subject);
      return reply.code(204).send(null);
    },
  );
};
