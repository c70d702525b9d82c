/**
 * @module api/routes/notebook-log-routes
 * `GET /v1/{project_id}/demanager/instances/{id}/logs?tail=N` (a demanager extension): the last
 * lines of the notebook's log, for whoever may open the notebook (core/instances/notebook-log).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEFAULT_LOG_TAIL } from '../../core/model/notebook-log-limits.js';
import type { ApiContext } from '../api-context.js';
import { actorOf, authenticate } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { LogQuery, NotebookLogSchema } from '../schemas/notebook-log-schemas.js';
import { InstanceParams } from '../schemas/request-schemas.js';

export const notebookLogRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  app.get(
    '/v1/:project_id/demanager/instances/:instance_id/logs',
    {
      schema: {
        tags: ['instances'],
        summary: "The last lines of the notebook's log (demanager extension)",
        description:
          'For the owner, a project admin and the users the instance is shared with (others: 403 ModelArts.0108).',
        params: InstanceParams,
        querystring: LogQuery,
        response: { 200: NotebookLogSchema, '4xx': ErrorBody },
      },
    },
    async (request) =>
      services.notebookLogs.read(actorOf(request), request.params.instance_id, request.query.tail ?? DEFAULT_LOG_TAIL),
  );
};
