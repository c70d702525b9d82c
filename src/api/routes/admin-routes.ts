/**
 * @module api/routes/admin-routes
 * Keystone-v3-shaped administration of users, projects and role assignments, for system admins.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Project, User } from '../../core/model/identity-types.js';
import { ROLE_NAMES } from '../../core/model/identity-types.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import {
  AssignmentQuery,
  CreateProjectBody,
  CreateUserBody,
  IdParams,
  ProjectSchema,
  RoleAssignmentSchema,
  RoleParams,
  RoleSchema,
  UpdateUserBody,
  UserSchema,
} from '../schemas/identity-schemas.js';

const userView = (u: User) => ({
  id: u.id,
  name: u.name,
  domain_id: u.domain,
  enabled: u.enabled,
  is_system_admin: u.isSystemAdmin,
});
const projectView = (p: Project) => ({
  id: p.id,
  name: p.name,
  domain_id: p.domain,
  description: p.description,
  enabled: true,
});
const errors = { '4xx': ErrorBody };
const Empty = Type.Null();

export const adminRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { identity } = services;
  app.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
  const tags = ['administration'];

  app.get(
    '/v3/users',
    { schema: { tags, response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errors } } },
    async () => ({
      users: (await identity.listUsers()).map(userView),
    }),
  );

  app.post(
    '/v3/users',
    { schema: { tags, body: CreateUserBody, response: { 201: Type.Object({ user: UserSchema }), ...errors } } },
    async (request, reply) => {
      const { name, password, domain_id, enabled, is_system_admin } = request.body.user;
      const user = await identity.createUser({
        name,
        password,
        ...(domain_id ? { domain: domain_id } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
        ...(is_system_admin !== undefined ? { isSystemAdmin: is_system_admin } : {}),
      });
      reply.code(201);
      return { user: userView(user) };
    },
  );

  app.get(
    '/v3/users/:id',
    { schema: { tags, params: IdParams, response: { 200: Type.Object({ user: UserSchema }), ...errors } } },
    async (request) => ({
      user: userView(await identity.getUser(request.params.id)),
    }),
  );

  app.patch(
    '/v3/users/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: Type.Object({ user: UserSchema }), ...errors },
      },
    },
    async (request) => {
      const { password, enabled, is_system_admin } = request.body.user;
      const user = await identity.updateUser(request.params.id, {
        ...(password !== undefined ? { password } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
        ...(is_system_admin !== undefined ? { isSystemAdmin: is_system_admin } : {}),
      });
      return { user: userView(user) };
    },
  );

  app.delete(
    '/v3/users/:id',
    { schema: { tags, params: IdParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await identity.deleteUser(request.params.id, principalOf(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v3/projects',
    { schema: { tags, response: { 200: Type.Object({ projects: Type.Array(ProjectSchema) }), ...errors } } },
    async () => ({
      projects: (await identity.listProjects()).map(projectView),
    }),
  );

  app.post(
    '/v3/projects',
    {
      schema: { tags, body: CreateProjectBody, response: { 201: Type.Object({ project: ProjectSchema }), ...errors } },
    },
    async (request, reply) => {
      const { name, description, domain_id } = request.body.project;
      const project = await identity.createProject({
        name,
        ...(description ? { description } : {}),
        ...(domain_id ? { domain: domain_id } : {}),
      });
      reply.code(201);
      return { project: projectView(project) };
    },
  );

  app.get(
    '/v3/projects/:id',
    { schema: { tags, params: IdParams, response: { 200: Type.Object({ project: ProjectSchema }), ...errors } } },
    async (request) => ({
      project: projectView(await identity.getProject(request.params.id)),
    }),
  );

  app.delete(
    '/v3/projects/:id',
    { schema: { tags, params: IdParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await identity.deleteProject(request.params.id, principalOf(request).projectId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v3/roles',
    { schema: { tags, response: { 200: Type.Object({ roles: Type.Array(RoleSchema) }), ...errors } } },
    async () => ({
      roles: ROLE_NAMES.map((r) => ({ id: r, name: r })),
    }),
  );

  app.put(
    '/v3/projects/:project_id/users/:user_id/roles/:role_id',
    { schema: { tags, params: RoleParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      const { project_id, user_id, role_id } = request.params;
      await identity.assignRole({ projectId: project_id, userId: user_id, role: role_id });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v3/projects/:project_id/users/:user_id/roles/:role_id',
    { schema: { tags, params: RoleParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      const { project_id, user_id, role_id } = request.params;
      await identity.unassignRole({ projectId: project_id, userId: user_id, role: role_id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v3/role_assignments',
    {
      schema: {
        tags,
        querystring: AssignmentQuery,
        response: { 200: Type.Object({ role_assignments: Type.Array(RoleAssignmentSchema) }), ...errors },
      },
    },
    async (request) => {
      const projectId = request.query['scope.project.id'];
      const userId = request.query['user.id'];
      const assignments = await identity.listAssignments({
        ...(projectId ? { projectId } : {}),
        ...(userId ? { userId } : {}),
      });
      return {
        role_assignments: assignments.map((a) => ({
          role: { id: a.role, name: a.role },
          user: { id: a.userId },
          scope: { project: { id: a.projectId } },
        })),
      };
    },
  );
};
