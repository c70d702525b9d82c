/**
 * @module api/routes/instance-change-routes
 * `GET /v1/{project_id}/demanager/instance-changes` (demanager extension): a server-sent events
 * stream of every change of the project's instances — `instance` with the instance as GET detail
 * shows it (the same allow-list serializer), `instance-deleted` with its id — whoever made it:
 * an API call on any replica, the reconciler, the queue, auto-stop, retention. It opens with a
 * `ready` event. Every event has an id (see core/changes/cursor); a client that reconnects with the
 * last one (`Last-Event-ID`, or `last_event_id` in the query for clients that cannot set headers)
 * is first sent what changed while it was away, or a `reset` when that cannot be told; a client
 * without one reads the list once after `ready`. It ends when the server shuts down or the
 * caller's token expires.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatCursor, resumeFrom, type ResumeRules } from '../../core/changes/cursor.js';
import { HttpError } from '../http-error.js';
import type { InstanceChange } from '../../core/changes/instance-feed.js';
import type { ApiContext } from '../api-context.js';
import { actorOf, authenticate, principalOf } from '../auth.js';
import { openEventStream, type EventStream } from '../event-stream.js';
import { instanceView, type ViewContext } from '../instance-view.js';
import type { Instance } from '../../core/model/instance.js';
import { ErrorBody } from '../schemas/common.js';
import { InstanceSchema } from '../schemas/instance-schema.js';
import { ProjectParams } from '../schemas/request-schemas.js';
import { viewContext } from '../view-context.js';

export interface StreamLimits extends ResumeRules {
  /** Streams one user may hold open at once (429 beyond). */
  perUser: number;
  keepAliveMs: number;
}

/** Query parameters: the resume point, for clients (EventSource polyfills, scripts) that cannot send `Last-Event-ID`. */
const StreamQuery = Type.Object({ last_event_id: Type.Optional(Type.String({ maxLength: 64 })) });

/** setTimeout's longest delay; a token living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const STREAM_DESCRIPTION =
  'A `text/event-stream`: `ready` (data: `{"project_id", "resumed"}`) once connected; `instance` (data: the instance, as GET detail answers it) for each change; ' +
  '`instance-deleted` (data: `{"id", "status": "DELETED"}`) when one is gone; a `: keep-alive` comment after each quiet interval. ' +
  'Every event and keep-alive carries an `id`; sent back as `Last-Event-ID` (or `?last_event_id=`), the stream first sends every instance changed ' +
  'and deleted since, or `reset` (data: `{"reason"}`) when it cannot, after which the client reads the list again.';

export const instanceChangeRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext; limits: StreamLimits }> = async (
  app,
  { services, limits },
) => {
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
        querystring: StreamQuery,
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ description: 'The id of the last event received, to resume from.' }),
          ),
        }),
        response: {
          200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: Type.String() } } },
          '4xx': ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const held = perUser.get(actor.userId) ?? 0;
      if (held >= limits.perUser) throw new HttpError('APIGW.0308').retryAfter(limits.keepAliveMs / 1000);
      const serialize = reply.compileSerializationSchema(InstanceSchema as unknown as Record<string, unknown>);
      const resume = resumeFrom(
        request.headers['last-event-id'] ?? request.query.last_event_id,
        services.clock.now(),
        limits,
      );
      // The id each event carries: the time by which everything before it was told (replayed
      // events keep the resume point, so a stream cut during the replay resumes it again).
      let cursor = resume.cursor;
      let replaying = resume.kind === 'resume';
      const advance = () => (replaying ? cursor : (cursor = Math.max(cursor, services.clock.now())));
      const stream = openEventStream(reply, limits.keepAliveMs, () => formatCursor(advance()));
      perUser.set(actor.userId, held + 1);
      open.add(stream);

      // The rank last told of each instance told while it waited: a change that moves a line moves
      // the others in it too (one admitted ahead of them, or one joining ahead under a fair policy),
      // and each of them is told again with its new rank.
      const toldRanks = new Map<string, number>();
      function send(instance: Instance, ctx: ViewContext, id: string): void {
        const rank = ctx.queues.get(instance.flavor)?.positions.get(instance.id)?.rank;
        if (rank === undefined) toldRanks.delete(instance.id);
        else toldRanks.set(instance.id, rank);
        stream.send('instance', serialize(instanceView(instance, ctx)), id);
      }
      async function deliver(change: InstanceChange, id: string): Promise<void> {
        if (stream.closed) return;
        if (change.kind === 'deleted') {
          toldRanks.delete(change.id);
          return stream.send('instance-deleted', JSON.stringify({ id: change.id, status: 'DELETED' }), id);
        }
        const ctx = await viewContext(services, request, [change.instance.flavor]);
        send(change.instance, ctx, id);
        const line = ctx.queues.get(change.instance.flavor);
        for (const waiting of line?.waiting ?? []) {
          if (waiting.projectId !== actor.projectId || waiting.id === change.instance.id) continue;
          if (toldRanks.get(waiting.id) !== line!.positions.get(waiting.id)?.rank) send(waiting, ctx, id);
        }
      }
      // One change at a time, in the order committed, though each view is read asynchronously;
      // live changes wait behind the replay, which is read after the watch begins so none falls between.
      let openGate = () => {};
      let delivered = new Promise<void>((resolve) => (openGate = resolve));
      const unwatch = await services.instanceFeed.watch(actor.projectId, (change) => {
        delivered = delivered
          .then(() => deliver(change, formatCursor(advance())))
          .catch((err: unknown) => request.log.error({ err }, 'an instance change was not sent'));
      });
      const expiresIn = principalOf(request).expiresAt - services.clock.now();
      const expiry = setTimeout(() => stream.close(), Math.max(0, Math.min(expiresIn, MAX_TIMER_MS)));
      stream.onClose(() => {
        unwatch();
        clearTimeout(expiry);
        openGate();
        open.delete(stream);
        const left = (perUser.get(actor.userId) ?? 1) - 1;
        if (left > 0) perUser.set(actor.userId, left);
        else perUser.delete(actor.userId);
      });
      stream.send(
        'ready',
        JSON.stringify({ project_id: actor.projectId, resumed: resume.kind === 'resume' }),
        formatCursor(cursor),
      );
      const reset = (reason: string) => stream.send('reset', JSON.stringify({ reason }), formatCursor(cursor));
      if (resume.kind === 'reset') reset(resume.reason);
      if (resume.kind === 'resume') {
        try {
          const { changed, deleted } = await services.store.instances.changesSince(actor.projectId, resume.since);
          for (const instance of changed) await deliver({ kind: 'changed', instance }, formatCursor(cursor));
          for (const id of deleted)
            await deliver({ kind: 'deleted', id, projectId: actor.projectId }, formatCursor(cursor));
        } catch (err) {
          request.log.error({ err }, 'the changes since the last event id could not be read');
          reset('the changes since the last event id could not be read');
        }
      }
      replaying = false;
      openGate();
      return reply;
    },
  );
};
