/**
 * @module proxy/notebook-opens
 * The audit entry of a notebook opened: written when the proxy trades the token of a link for its
 * cookie, once per opening rather than once per request, saying whether the user opened it as its
 * owner, a project admin or a user it is shared with. A trail that cannot be written is logged and
 * does not keep the user out, as for the API's own entries (api/audit-trail).
 */
import type { NotebookOpeners } from '../core/identity/notebook-openers.js';
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/shared/clock.js';

/** The action the trail shows: the route of the link, as API entries show theirs. */
export const OPEN_ACTION = 'GET /notebook/{instance_id}/';

export interface NotebookOpensDeps {
  store: Store;
  openers: NotebookOpeners;
  clock: Clock;
  /** This server process's id, written into audit entries. */
  replica: string;
}

export async function recordOpen(
  { store, openers, clock, replica }: NotebookOpensDeps,
  opened: { instanceId: string; userId: string; source: string },
): Promise<void> {
  const instance = await store.instances.getById(opened.instanceId);
  if (!instance) return;
  const [user, { shared }] = await Promise.all([store.identity.getUser(opened.userId), openers.of(instance)]);
  const as = opened.userId === instance.user.id ? 'owner' : shared.has(opened.userId) ? 'shared' : 'admin';
  await store.audit.record({
    at: clock.now(),
    projectId: instance.projectId,
    userId: opened.userId,
    userName: user?.name ?? null,
    action: OPEN_ACTION,
    target: instance.id,
    source: opened.source,
    status: 302,
    outcome: 'success',
    replica,
    detail: { as },
  });
}
