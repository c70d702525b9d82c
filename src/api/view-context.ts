/**
 * @module api/view-context
 * Gathers, once per request, what {@link instanceView} and {@link flavorDetailsView} derive at read
 * time: the caller's instance count per flavor, the slot holders per flavor (both from the cached
 * {@link ViewCounts}), and the lines of the queueing flavors the answer shows.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from './api-context.js';
import { actorOf } from './auth.js';
import type { ViewContext } from './instance-view.js';
import { notebookUrlOf, publicUrlOf } from './public-url.js';

export async function viewContext(
  services: ApiContext,
  request: FastifyRequest,
  flavors: Iterable<string>,
): Promise<ViewContext> {
  const { catalog, clock } = services;
  const actor = actorOf(request);
  // Independent reads: issued together rather than one after the other.
  const [instanceCounts, slotHolders] = await Promise.all([
    services.viewCounts.ofCaller(actor.projectId, actor.userId),
    services.viewCounts.slotHolders(),
  ]);
  const ctx: ViewContext = {
    catalog,
    now: clock.now(),
    publicUrl: publicUrlOf(services, request),
    notebookUrl: (id) => notebookUrlOf(services, request, id),
    projectId: actor.projectId,
    instanceCounts,
    slotHolders,
    queues: new Map(),
  };
  // Queue figures only for the queueing flavors this response shows: they cost two reads each.
  for (const name of new Set(flavors)) {
    if (catalog.flavor(name)?.queues) ctx.queues.set(name, await services.queue.snapshot(name));
  }
  return ctx;
}
