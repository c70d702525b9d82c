/**
 * @module api/routes/user-instance-routes
 * A user's instances in every project, and stopping one, for system admins (core/instances/
 * user-instances). Authenticated as the user and project administration is: members get 403.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UserInstances, type UserInstance } from '../../core/instances/user-instances.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { IdParams } from '../schemas/identity-schemas.js';
import { ActionResultSchema } from '../schemas/instance-schema.js';
import {
  UserInstanceActionBody,
  UserInstanceListSchema,
  UserInstanceParams,
} from '../schemas/user-instance-schemas.js';

const userInstanceView = ({ instance, project }: UserInstance) => ({
  id: instance.id,
  name: instance.name,
  status: instance.status,
  flavor: instance.flavor,
  project_id: project.id,
  project_name: project.name,
  creation_timestamp: String(instance.createdAt),
});
const errors = { '4xx': ErrorBody };

export const userInstanceRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const userInstances = new UserInstances(services);
  app.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
  const tags = ['administration'];

  app.get(
    '/v3/users/:id/instances',
    {
      schema: {
        tags,
        summary: "A user's instances in every project (demanager extension)",
        params: IdParams,
        response: { 200: UserInstanceListSchema, ...errors },
      },
    },
    async (request) => {
      const instances = (await userInstances.list(request.params.id)).map(userInstanceView);
      return { instances, total_count: instances.length };
    },
  );

  app.post(
    '/v3/users/:id/instances/:instance_id/action',
    {
      schema: {
        tags,
        summary: "Stop one of a user's instances (demanager extension)",
        params: UserInstanceParams,
        body: UserInstanceActionBody,
        response: { 200: ActionResultSchema, ...errors },
      },
    },
    async (request) => {
      const { userId, userName } = principalOf(request);
      const result = await userInstances.stop({ userId, userName }, request.params.id, request.params.instance_id);
      return { current_status: result.current, previous_state: result.previous };
    },
  );
};
