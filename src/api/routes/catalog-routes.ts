/**
 * @module api/routes/catalog-routes
 * `GET /v1/{project_id}/demanager/profiles` and `…/flavors` (demanager extensions): what a create
 * may name, for pickers such as the console's. Flavors carry the caller's view of Table 7, computed
 * as in an instance's `flavor_details`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Profile } from '../../core/model/catalog.js';
import { DomainError } from '../../core/shared/errors.js';
import type { ApiContext } from '../api-context.js';
import { authenticate } from '../auth.js';
import { flavorDetailsView } from '../instance-view.js';
import { FlavorListSchema, FlavorQuery, ProfileListSchema, ProfileQuery } from '../schemas/catalog-schemas.js';
import { ErrorBody } from '../schemas/common.js';
import { ProjectParams } from '../schemas/request-schemas.js';
import { viewContext } from '../view-context.js';

const tags = ['catalog'];
const errors = { '4xx': ErrorBody };

function profileView(profile: Profile) {
  const { id, name, description, de_type, provision, labels, flavor_types } = profile;
  return { id, name, description, de_type, provision, labels, flavor_types };
}

export const catalogRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const { catalog } = services;
  app.addHook('preParsing', authenticate(services, { scoped: true }));

  app.get(
    '/v1/:project_id/demanager/profiles',
    {
      schema: {
        tags,
        summary: 'Profiles (images) an instance can be made from (demanager extension)',
        params: ProjectParams,
        querystring: ProfileQuery,
        response: { 200: ProfileListSchema, ...errors },
      },
    },
    async (request) => {
      const { flavor_type: type } = request.query;
      const profiles = catalog.data.profiles.filter((p) => !type || p.flavor_types.includes(type)).map(profileView);
      return { profiles, total_count: profiles.length };
    },
  );

  app.get(
    '/v1/:project_id/demanager/flavors',
    {
      schema: {
        tags,
        summary: 'Flavors (sizes), sold out or on sale and permitted or not for the caller (demanager extension)',
        params: ProjectParams,
        querystring: FlavorQuery,
        response: { 200: FlavorListSchema, ...errors },
      },
    },
    async (request) => {
      const { flavor_type: type, profile_id: profileId } = request.query;
      const profile = profileId === undefined ? undefined : catalog.profile(profileId);
      if (profileId !== undefined && !profile) throw new DomainError('ModelArts.6336', 'profile_id');
      const chosen = catalog.data.flavors.filter(
        (f) => (!type || f.type === type) && (!profile || profile.flavor_types.includes(f.type)),
      );
      const ctx = await viewContext(
        services,
        request,
        chosen.map((f) => f.name),
      );
      const flavors = chosen.map((f) => ({
        ...flavorDetailsView(f, ctx),
        capacity: f.capacity,
        queues: f.queues,
        queue_policy: f.queue_policy,
        fair_window_days: f.fair_window_days,
        max_waiting_per_user: f.max_waiting_per_user,
      }));
      return { flavors, total_count: flavors.length };
    },
  );
};
