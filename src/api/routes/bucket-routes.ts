/**
 * @module api/routes/bucket-routes
 * Obs buckets for system admins (core/instances/bucket-admin): who holds which, assigning one to a
 * project, releasing one no instance uses. Authenticated as the user and project administration is.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BucketAdmin } from '../../core/instances/bucket-admin.js';
import type { ObsBucketUse } from '../../core/model/obs-buckets.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { ErrorBody } from '../schemas/common.js';
import { AssignBucketBody, BucketParams, BucketSchema } from '../schemas/bucket-schemas.js';

const bucketView = (b: ObsBucketUse) => ({
  name: b.name,
  project_id: b.projectId,
  claimed_at: b.claimedAt,
  assigned_by: b.assignedBy,
  instances: b.instances,
});
const errors = { '4xx': ErrorBody };

export const bucketRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  const buckets = new BucketAdmin(services.store, services.clock);
  app.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
  const tags = ['administration'];

  app.get(
    '/v3/buckets',
    { schema: { tags, response: { 200: Type.Object({ buckets: Type.Array(BucketSchema) }), ...errors } } },
    async () => ({
      buckets: (await buckets.list()).map(bucketView),
    }),
  );

  app.put(
    '/v3/buckets/:name',
    {
      schema: {
        tags,
        params: BucketParams,
        body: AssignBucketBody,
        response: { 200: Type.Object({ bucket: BucketSchema }), ...errors },
      },
    },
    async (request) => ({
      bucket: bucketView(
        await buckets.assign(request.params.name, request.body.bucket.project_id, principalOf(request).userId),
      ),
    }),
  );

  app.delete(
    '/v3/buckets/:name',
    { schema: { tags, params: BucketParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await buckets.release(request.params.name);
      return reply.code(204).send(null);
    },
  );
};
