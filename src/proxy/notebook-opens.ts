/**
 * @module proxy/notebook-opens
 * The audit entry of a notebook opened: written when the proxy trades the token of a link for its
 * cookie, once per opening rather than once per request, saying whether the user opened it as its
 * owner, a project admin or a user it is shared with. A trail that cannot be written is logged and
 * does not keep the user out, as for the API's own entries (api/audit-trail).
 */
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/shared/clock.js';
import type { OpensAs } from './notebook-access.js';

/** The action the trail shows: the route of the link, as API entries show theirs. */
export const OPEN_ACTION = 'GET /notebook/{instance_id}/';

export interface NotebookOpensDeps {
  store: Store;
  clock: Clock;
  /** This server process's id, written into audit entries. */
  replica: string;
}

/** Records an opening the access check admitted; it found the instance and why the user may open it. */
export async function recordOpen(
  { store, clock, replica }: NotebookOpensDeps,
  opened: { instanceId: string; projectId: string; userId: string; as: OpensAs; source: string },
): Promise<void> {
  const user = await store.identity.getUser(opened.userId);
  await store.audit.record({
    at: clock.now(),
    projectId: opened.projectId,
    userId: opened.userId,
    userName: user?.name ?? null,
    action: OPEN_ACTION,
    target: opened.instanceId,
    source: opened.source,
    status: 302,
    outcome: 'success',
    replica,
    detail: { as: opened.as },
  });
}
