/**
 * @module api/routes/resource-usage-routes
 * `GET /v1/{project_id}/demanager/instances/{id}/usage` (a demanager extension): a running
 * notebook's CPU and memory use against its flavor's limits, for every member of the project, as
 * the detail is (core/instances/resource-usage).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../api-context.js';
import { actorOf, authenticate } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { InstanceParams } from '../schemas/request-schemas.js';
import { ResourceUsageSchema } from '../schemas/resource-usage-schemas.js';

export const resourceUsageRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  app.get(
    '/v1/:project_id/demanager/instances/:instance_id/usage',
    {
      schema: {
        tags: ['instances'],
        summary: "A running notebook's CPU and memory use against its flavor's limits (demanager extension)",
        params: InstanceParams,
        response: { 200: ResourceUsageSchema, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const usage = await services.resourceUsage.read(actorOf(request), request.params.instance_id);
      return {
        available: usage.available,
        cpu_cores: usage.cpuCores,
        cpu_limit_cores: usage.cpuLimitCores,
        memory_bytes: usage.memoryBytes,
        memory_limit_bytes: usage.memoryLimitBytes,
        timestamp: usage.at,
      };
    },
  );
};
