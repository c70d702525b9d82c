/**
 * @module api/routes/session-routes
 * `/v3/auth/session` (demanager): the console's sign-in with an HttpOnly cookie, offered only with a
 * host name per notebook (api/cookie-session says why, and what guards it). `GET` says whether the
 * cookie is offered here and, when one is sent, whom it signs in; `POST` signs in (the IAM login
 * body) and sets the cookie; `DELETE` signs out: the token is revoked and the cookie cleared. The
 * token never appears in an answer, so no script, the console's own included, ever holds it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../../core/shared/errors.js';
import type { Principal } from '../../core/identity/service.js';
import type { ApiContext } from '../api-context.js';
import {
  checkCookieRequest,
  clearSessionCookie,
  cookieSessionsOn,
  cookieTokenOf,
  csrfTokenOf,
  setSessionCookie,
} from '../cookie-session.js';
import { publicUrlOf } from '../public-url.js';
import { ErrorBody } from '../schemas/common.js';
import { LoginBody, SessionBody } from '../schemas/identity-schemas.js';
import { passwordLogin, tokenBody } from './auth-routes.js';

const PATH = '/v3/auth/session';
const NOT_HERE =
  'the console signs in with a cookie only where every notebook has a host name of its own (notebookHost); here it keeps its token in memory';

export const sessionRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const tags = ['identity'];
  const { config } = services;

  function signedIn(request: FastifyRequest, token: string, principal: Principal) {
    const { token: body } = tokenBody(principal, publicUrlOf(services, request), config.region);
    return { session: { cookie: true, csrf_token: csrfTokenOf(token) }, token: body };
  }

  app.get(
    PATH,
    { schema: { tags, summary: "The console's cookie session", response: { 200: SessionBody, '4xx': ErrorBody } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!cookieSessionsOn(config)) return { session: { cookie: false } };
      const token = cookieTokenOf(config, request);
      if (!token) return { session: { cookie: true } };
      try {
        return signedIn(request, token, await services.identity.authenticate(token));
      } catch (err) {
        // Expired, revoked, or its user disabled: the browser may as well forget it.
        if (!(err instanceof DomainError) || !/^ModelArts\.020[123]$/.test(err.code)) throw err;
        clearSessionCookie(config, request, reply);
        return { session: { cookie: true } };
      }
    },
  );

  app.post(
    PATH,
    {
      schema: {
        tags,
        summary: 'Sign the console in with a cookie',
        body: LoginBody,
        response: { 201: SessionBody, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      if (!cookieSessionsOn(config)) throw new DomainError('ModelArts.0108').because(NOT_HERE);
      // Before the password is even looked at: a sign-in forged from a notebook's page changes nothing.
      checkCookieRequest(config, request, null);
      const issued = await passwordLogin(services, request.body, request.ip);
      setSessionCookie(config, request, reply, issued.token);
      reply.code(201).header('cache-control', 'no-store');
      return signedIn(request, issued.token, issued.principal);
    },
  );

  app.delete(
    PATH,
    { schema: { tags, summary: 'Sign the console out', response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      const token = cookieTokenOf(config, request);
      if (token) {
        checkCookieRequest(config, request, token);
        await services.identity.revoke(token);
      }
      clearSessionCookie(config, request, reply);
      return reply.code(204).send(null);
    },
  );
};
