/**
 * @module api/routes/instance-routes
 * The seven DevEnviron operations under `/v1/{project_id}/demanager/instances`. Handlers only
 * translate between HTTP and the lifecycle service; every rule lives in core.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/shared/errors.js';
import type { Instance } from '../../core/model/instance.js';
import type { SortKey } from '../../core/ports/store.js';
import type { ApiContext } from '../api-context.js';
import { answerTurn } from '../answer-turns.js';
import { actorOf, authenticate } from '../auth.js';
import { instanceView } from '../instance-view.js';
import { viewContext } from '../view-context.js';
import { ErrorBody } from '../schemas/common.js';
import { EventListSchema, EventQuery } from '../schemas/event-schema.js';
import {
  ActionResultSchema,
  DeleteResultSchema,
  InstanceListSchema,
  InstanceSchema,
  TokenResultSchema,
} from '../schemas/instance-schema.js';
import {
  ActionBody,
  CreateInstanceBody,
  DetailQuery,
  InstanceParams,
  ListQuery,
  ModifyInstanceBody,
  ProjectParams,
} from '../schemas/request-schemas.js';

const SORT_KEYS: readonly SortKey[] = ['name', 'creation_timestamp'];
const errors = { '4xx': ErrorBody };
const tags = ['instances'];

function parseBoolean(value: string | undefined, field: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new DomainError('ModelArts.6336', field);
}

export const instanceRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { lifecycle } = services;
  const base = '/v1/:project_id/demanager/instances';
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  async function view(request: FastifyRequest, instances: Instance[]) {
    const ctx = await viewContext(
      services,
      request,
      instances.map((i) => i.flavor),
    );
    return instances.map((i) => instanceView(i, ctx));
  }

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an instance',
        params: ProjectParams,
        body: CreateInstanceBody,
        response: { 200: InstanceSchema, ...errors },
      },
    },
    async (request) => {
      const instance = await lifecycle.create(actorOf(request), request.body);
      return (await view(request, [instance]))[0]!;
    },
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List instances',
        params: ProjectParams,
        querystring: ListQuery,
        response: { 200: InstanceListSchema, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const sortBy = (q.sortby || 'name') as SortKey;
      if (!SORT_KEYS.includes(sortBy)) throw new DomainError('ModelArts.6303');
      const aiProject = q.ai_project || q.ai_project_id;
      await answerTurn();
      const page = await lifecycle.list(actorOf(request), {
        showSelf: parseBoolean(q.show_self, 'show_self', true),
        sortBy,
        order: q.order ?? 'asc',
        offset: q.offset ?? 0,
        limit: q.limit ?? 0,
        ...(q.status ? { status: q.status } : {}),
        // The public API lists workspace 0 unless told otherwise.
        workspaceId: q.workspace_id || '0',
        ...(aiProject ? { aiProjectId: aiProject } : {}),
        ...(q.pool_id ? { poolId: q.pool_id } : {}),
        ...(q.name ? { nameContains: q.name } : {}),
      });
      return { instances: await view(request, page.items), total_count: page.total };
    },
  );

  app.get(
    `${base}/:instance_id`,
    {
      schema: {
        tags,
        summary: 'Show an instance',
        params: InstanceParams,
        querystring: DetailQuery,
        response: { 200: InstanceSchema, ...errors },
      },
    },
    async (request) => {
      const instance = await lifecycle.get(actorOf(request), request.params.instance_id);
      return (await view(request, [instance]))[0]!;
    },
  );

  app.put(
    `${base}/:instance_id`,
    {
      schema: {
        tags,
        summary: 'Modify description, auto-stop or (when stopped) flavor',
        params: InstanceParams,
        body: ModifyInstanceBody,
        response: { 200: InstanceSchema, ...errors },
      },
    },
    async (request) => {
      const instance = await lifecycle.modify(actorOf(request), request.params.instance_id, request.body);
      return (await view(request, [instance]))[0]!;
    },
  );

  app.delete(
    `${base}/:instance_id`,
    {
      schema: {
        tags,
        summary: 'Delete an instance',
        params: InstanceParams,
        response: { 200: DeleteResultSchema, ...errors },
      },
    },
    async (request) => {
      await lifecycle.remove(actorOf(request), request.params.instance_id);
      return { instance_id: request.params.instance_id };
    },
  );

  app.post(
    `${base}/:instance_id/action`,
    {
      schema: {
        tags,
        summary: 'Start, stop or restart',
        params: InstanceParams,
        body: ActionBody,
        response: { 200: ActionResultSchema, ...errors },
      },
    },
    async (request) => {
      const result = await lifecycle.act(actorOf(request), request.params.instance_id, request.body.action);
      return { current_status: result.current, previous_state: result.previous };
    },
  );

  app.get(
    `${base}/:instance_id/events`,
    {
      schema: {
        tags,
        summary: "The instance's history (demanager extension)",
        params: InstanceParams,
        querystring: EventQuery,
        response: { 200: EventListSchema, ...errors },
      },
    },
    async (request) => {
      const page = await lifecycle.events(actorOf(request), request.params.instance_id, {
        offset: request.query.offset ?? 0,
        limit: request.query.limit ?? 100,
      });
      return {
        events: page.items.map((e) => ({
          seq: e.seq ?? 0,
          timestamp: e.at,
          kind: e.kind,
          from_status: e.from,
          to_status: e.to,
          by: e.by,
          replica: e.replica,
          detail: e.detail,
        })),
        total_count: page.total,
      };
    },
  );

  app.get(
    `${base}/:instance_id/token`,
    {
      schema: {
        tags,
        summary: 'Token that opens the notebook URL',
        params: InstanceParams,
        querystring: DetailQuery,
        response: { 200: TokenResultSchema, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      // A user it is shared with gets a token of their own, as the owner and the admins do.
      const instance = await services.instanceShares.openable(actor, request.params.instance_id);
      return { token: services.instanceTokens.issue(instance, actor.userId) };
    },
  );
};
