/**
 * @module api/routes/instance-change-routes
 * `GET /v1/{project_id}/demanager/instance-changes` (demanager extension): a server-sent events
 * stream of every change of the project's instances — `instance` with the instance as GET detail
 * shows it (the same allow-list serializer), `instance-deleted` with its id — whoever made it:
 * an API call on any replica, the reconciler, the queue, auto-stop, retention. It opens with a
 * `ready` event; a client that (re)connects should read the list once after it, since the stream
 * does not replay what happened while it was away. It ends when the server shuts down or the
 * caller's token expires.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../core/errors.js';
import type { InstanceChange } from '../../core/instance-feed.js';
import type { ApiContext } from '../api-context.js';
import { actorOf, authenticate, principalOf } from '../auth.js';
import { openEventStream, type EventStream } from '../event-stream.js';
import { instanceView } from '../instance-view.js';
import { ErrorBody } from '../schemas/common.js';
import { InstanceSchema } from '../schemas/instance-schema.js';
import { ProjectParams } from '../schemas/request-schemas.js';
import { viewContext } from '../view-context.js';

export interface StreamLimits {
  /** Streams one user may hold open at once (429 beyond). */
  perUser: number;
  keepAliveMs: number;
}

/** setTimeout's longest delay; a token living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const STREAM_DESCRIPTION =
  'A `text/event-stream`: `ready` once connected; `instance` (data: the instance, as GET detail answers it) for each change; ' +
  '`instance-deleted` (data: `{"id", "status": "DELETED"}`) when one is gone; a `: keep-alive` comment after each quiet interval.';

export const instanceChangeRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext; limits: StreamLimits }> = async (app, { services, limits }) => {
  const open = new Set<EventStream>();
  const perUser = new Map<string, number>();
  app.addHook('preParsing', authenticate(services, { scoped: true }));
  // Open streams would otherwise keep server.close() waiting for ever.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.close();
  });

  app.get(
    '/v1/:project_id/demanager/instance-changes',
    {
      // A HEAD of a stream that never ends would never end either.
      exposeHeadRoute: false,
      schema: {
        tags: ['instances'],
        summary: "Live changes of the project's instances, as server-sent events (demanager extension)",
        params: ProjectParams,
        response: {
          200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: Type.String() } } },
          '4xx': ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const held = perUser.get(actor.userId) ?? 0;
      if (held >= limits.perUser) throw new ApiError('APIGW.0308').retryAfter(limits.keepAliveMs / 1000);
      const serialize = reply.compileSerializationSchema(InstanceSchema as unknown as Record<string, unknown>);
      const stream = openEventStream(reply, limits.keepAliveMs);
      perUser.set(actor.userId, held + 1);
      open.add(stream);

      async function deliver(change: InstanceChange): Promise<void> {
        if (stream.closed) return;
        if (change.kind === 'deleted') return stream.send('instance-deleted', JSON.stringify({ id: change.id, status: 'DELETED' }));
        const ctx = await viewContext(services, request, [change.instance.flavor]);
        stream.send('instance', serialize(instanceView(change.instance, ctx)));
      }
      // One change at a time, in the order committed, though each view is read asynchronously.
      let delivered = Promise.resolve();
      const unwatch = await services.instanceFeed.watch(actor.projectId, (change) => {
        delivered = delivered.then(() => deliver(change)).catch((err: unknown) => request.log.error({ err }, 'an instance change was not sent'));
      });
      const expiresIn = principalOf(request).expiresAt - services.clock.now();
      const expiry = setTimeout(() => stream.close(), Math.max(0, Math.min(expiresIn, MAX_TIMER_MS)));
      stream.onClose(() => {
        unwatch();
        clearTimeout(expiry);
        open.delete(stream);
        const left = (perUser.get(actor.userId) ?? 1) - 1;
        if (left > 0) perUser.set(actor.userId, left);
        else perUser.delete(actor.userId);
      });
      stream.send('ready', JSON.stringify({ project_id: actor.projectId }));
      return reply;
    },
  );
};
