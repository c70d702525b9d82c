/**
 * @module api/routes/credential-routes
 * Huawei-IAM-shaped permanent access keys under `/v3.0/OS-CREDENTIAL/credentials`: a user manages
 * their own, a system admin anyone's. The secret key is answered once, by the create call.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AccessKey, KeyManager } from '../../core/identity/access-keys.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import {
  CreateCredentialBody,
  CreatedCredentialSchema,
  CredentialParams,
  CredentialQuery,
  CredentialSchema,
} from '../schemas/credential-schemas.js';
import { keystoneTime } from './auth-routes.js';

const errors = { '4xx': ErrorBody };
const tags = ['access keys'];
const base = '/v3.0/OS-CREDENTIAL/credentials';

function credentialView(key: AccessKey) {
  return {
    access: key.accessKey,
    user_id: key.userId,
    status: 'active' as const,
    create_time: keystoneTime(key.createdAt),
    description: key.description,
    ...(key.lastUsedAt === null ? {} : { last_use_time: keystoneTime(key.lastUsedAt) }),
  };
}

function managerOf(request: FastifyRequest): KeyManager {
  const { userId, isSystemAdmin } = principalOf(request);
  return { userId, isSystemAdmin };
}

export const credentialRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { accessKeys } = services;
  app.addHook('preParsing', authenticate(services, { scoped: false }));

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an access key',
        body: CreateCredentialBody,
        response: { 201: Type.Object({ credential: CreatedCredentialSchema }), ...errors },
      },
    },
    async (request, reply) => {
      const { user_id, description } = request.body.credential;
      const { key, secret } = await accessKeys.create(managerOf(request), {
        userId: user_id,
        ...(description !== undefined ? { description } : {}),
      });
      reply.code(201);
      return { credential: { ...credentialView(key), secret } };
    },
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List access keys',
        querystring: CredentialQuery,
        response: { 200: Type.Object({ credentials: Type.Array(CredentialSchema) }), ...errors },
      },
    },
    async (request) => ({
      credentials: (await accessKeys.list(managerOf(request), request.query.user_id || undefined)).map(credentialView),
    }),
  );

  app.get(
    `${base}/:access_key`,
    {
      schema: {
        tags,
        summary: 'Describe an access key',
        params: CredentialParams,
        response: { 200: Type.Object({ credential: CredentialSchema }), ...errors },
      },
    },
    async (request) => ({
      credential: credentialView(await accessKeys.get(managerOf(request), request.params.access_key)),
    }),
  );

  app.delete(
    `${base}/:access_key`,
    {
      schema: {
        tags,
        summary: 'Delete an access key',
        params: CredentialParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await accessKeys.delete(managerOf(request), request.params.access_key);
      return reply.code(204).send(null);
    },
  );
};
