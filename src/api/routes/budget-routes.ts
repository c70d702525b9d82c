/**
 * @module api/routes/budget-routes
 * Budgets (core/budgets, a demanager extension): system admins set, remove and list them under
 * `/v3`, authenticated as the user and project administration is; the members of a project read
 * its budget and their own under `/v1/{project_id}/demanager/budgets`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { NamedBudgetStatus } from '../../core/budgets/budget-service.js';
import type { BudgetScope } from '../../core/model/budget.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { ProjectParams } from '../schemas/request-schemas.js';
import { BudgetBody, BudgetList, BudgetStatusSchema, UserBudgetParams } from '../schemas/budget-schemas.js';

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export const budgetView = (s: NamedBudgetStatus) => ({
  scope: s.budget.scope,
  id: s.budget.targetId,
  name: s.name,
  period: s.budget.period,
  gpu_hours: s.budget.gpuHours,
  cpu_hours: s.budget.cpuHours,
  used: { gpu_hours: round(s.used.gpuHours), cpu_hours: round(s.used.cpuHours) },
  renews_at: s.window.renewsAt,
  exhausted: s.exhausted,
  runs_out_at: s.runsOutAt,
});
const errors = { '4xx': ErrorBody };
const tags = ['budgets'];

export const budgetAdminRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { budgets } = services;
  app.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));

  app.get('/v3/budgets', { schema: { tags, response: { 200: BudgetList, ...errors } } }, async () => ({
    budgets: (await budgets.list()).map(budgetView),
  }));

  const set = (scope: BudgetScope, id: string, body: Static<typeof BudgetBody>, by: string) =>
    budgets.set(
      scope,
      id,
      { gpuHours: body.gpu_hours ?? null, cpuHours: body.cpu_hours ?? null, period: body.period },
      by,
    );
  const setSchema = {
    tags,
    body: BudgetBody,
    response: { 200: Type.Object({ budget: BudgetStatusSchema }), ...errors },
  };
  const removeSchema = { tags, response: { 204: Type.Null(), ...errors } };

  app.put('/v3/projects/:project_id/budget', { schema: { ...setSchema, params: ProjectParams } }, async (request) => ({
    budget: budgetView(await set('project', request.params.project_id, request.body, principalOf(request).userId)),
  }));

  app.put('/v3/users/:user_id/budget', { schema: { ...setSchema, params: UserBudgetParams } }, async (request) => ({
    budget: budgetView(await set('user', request.params.user_id, request.body, principalOf(request).userId)),
  }));

  app.delete(
    '/v3/projects/:project_id/budget',
    { schema: { ...removeSchema, params: ProjectParams } },
    async (request, reply) => {
      await budgets.remove('project', request.params.project_id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v3/users/:user_id/budget',
    { schema: { ...removeSchema, params: UserBudgetParams } },
    async (request, reply) => {
      await budgets.remove('user', request.params.user_id);
      return reply.code(204).send(null);
    },
  );
};

export const budgetRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  app.get(
    '/v1/:project_id/demanager/budgets',
    {
      schema: {
        tags,
        summary: "The project's budget and the caller's own (demanager extension)",
        params: ProjectParams,
        response: { 200: BudgetList, ...errors },
      },
    },
    async (request) => {
      const { projectId, userId } = principalOf(request);
      return { budgets: (await services.budgets.applying(projectId, userId)).map(budgetView) };
    },
  );
};
