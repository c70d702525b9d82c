/**
 * @module api/routes/share-routes
 * Sharing a notebook (a demanager extension) under `/v1/{project_id}/demanager/instances/{id}/shares`:
 * list, grant (by user name or id) and revoke, for the instance's owner and the project's admins;
 * and `/v1/{project_id}/demanager/shared-with-me`, the instances shared with the caller.
 * Every rule lives in core/instances/instance-shares; the audit trail records grants and revocations
 * as it does every write (api/audit-trail).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { ShareTarget } from '../../core/instances/instance-shares.js';
import type { InstanceShare } from '../../core/model/instance-share.js';
import { DomainError } from '../../core/shared/errors.js';
import type { ApiContext } from '../api-context.js';
import { actorOf, authenticate } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { InstanceParams, ProjectParams } from '../schemas/request-schemas.js';
import { ShareBody, SharedWithMeSchema, ShareListSchema, ShareParams, ShareSchema } from '../schemas/share-schemas.js';

const errors = { '4xx': ErrorBody };
const tags = ['instances'];

function shareView(share: InstanceShare): Static<typeof ShareSchema> {
  return {
    user_id: share.userId,
    user_name: share.userName,
    granted_by: share.grantedBy,
    granted_by_name: share.grantedByName,
    granted_at: share.grantedAt,
  };
}

/** Exactly one of the two fields names the user. */
function targetOf(body: Static<typeof ShareBody>): ShareTarget {
  if (body.user_name !== undefined && body.user_id !== undefined)
    throw new DomainError('ModelArts.6336', 'user_id').because('give user_name or user_id, not both');
  if (body.user_name !== undefined) return { userName: body.user_name };
  if (body.user_id !== undefined) return { userId: body.user_id };
  throw new DomainError('ModelArts.6335', 'user_name');
}

export const shareRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { instanceShares } = services;
  const base = '/v1/:project_id/demanager/instances/:instance_id/shares';
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Who the notebook is shared with (demanager extension)',
        params: InstanceParams,
        response: { 200: ShareListSchema, ...errors },
      },
    },
    async (request) => {
      const shares = await instanceShares.list(actorOf(request), request.params.instance_id);
      return { shares: shares.map(shareView), total_count: shares.length };
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Share the notebook with a member of the project (demanager extension)',
        params: InstanceParams,
        body: ShareBody,
        response: { 200: ShareSchema, ...errors },
      },
    },
    async (request) => {
      const target = targetOf(request.body);
      return shareView(await instanceShares.grant(actorOf(request), request.params.instance_id, target));
    },
  );

  app.get(
    '/v1/:project_id/demanager/shared-with-me',
    {
      schema: {
        tags,
        summary: "The ids of the project's instances shared with the caller (demanager extension)",
        params: ProjectParams,
        response: { 200: SharedWithMeSchema, ...errors },
      },
    },
    async (request) => {
      const ids = await instanceShares.sharedWith(actorOf(request));
      return { instance_ids: ids, total_count: ids.length };
    },
  );

  app.delete(
    `${base}/:user_id`,
    {
      schema: {
        tags,
        summary: "End a user's share of the notebook (demanager extension)",
        params: ShareParams,
        response: { 200: Type.Object({ user_id: Type.String() }), ...errors },
      },
    },
    async (request) => {
      await instanceShares.revoke(actorOf(request), request.params.instance_id, request.params.user_id);
      return { user_id: request.params.user_id };
    },
  );
};
