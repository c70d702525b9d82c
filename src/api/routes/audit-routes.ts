/**
 * @module api/routes/audit-routes
 * `GET /v1/{project_id}/demanager/audit`: the project's audit trail, newest first, for the
 * project's admins and system admins (members get 403 ModelArts.0108).
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { DomainError } from '../../core/shared/errors.js';
import type { AuditEntry, Store } from '../../core/ports/store.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { AuditListSchema, AuditQuery } from '../schemas/audit-schema.js';
import { ErrorBody } from '../schemas/common.js';
import { ProjectParams } from '../schemas/request-schemas.js';

function entryView(e: AuditEntry) {
  return {
    seq: e.seq,
    timestamp: e.at,
    origin: e.origin,
    user_id: e.userId,
    user_name: e.userName,
    action: e.action,
    target: e.target,
    source: e.source,
    status: e.status,
    outcome: e.outcome,
    replica: e.replica,
    detail: e.detail,
  };
}

async function trail(store: Store, projectId: string | undefined, query: Static<typeof AuditQuery>) {
  const { since, until, offset = 0, limit = 100 } = query;
  const page = await store.audit.list({
    ...(projectId !== undefined ? { projectId } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    offset,
    limit,
  });
  return { entries: page.items.map(entryView), total_count: page.total };
}

const schema = { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditListSchema, '4xx': ErrorBody } };

export const auditRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  await app.register(async (scope) => {
    const project = scope.withTypeProvider<TypeBoxTypeProvider>();
    project.addHook('preParsing', authenticate(services, { scoped: true }));
    project.get(
      '/v1/:project_id/demanager/audit',
      { schema: { ...schema, summary: "The project's audit trail (demanager extension)", params: ProjectParams } },
      async (request) => {
        const principal = principalOf(request);
        if (!principal.isSystemAdmin && !principal.roles.includes('admin')) throw new DomainError('ModelArts.0108');
        return trail(services.store, request.params.project_id, request.query);
      },
    );
  });
  await app.register(async (scope) => {
    const global = scope.withTypeProvider<TypeBoxTypeProvider>();
    global.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
    global.get(
      '/v3/audit',
      {
        schema: {
          ...schema,
          summary: 'The audit trail of every project, and of calls made in none, such as logins (system admins)',
        },
      },
      async (request) => trail(services.store, undefined, request.query),
    );
  });
};
