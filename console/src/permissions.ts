/**
 * @module console/permissions
 * What the signed-in user may do to an instance, by the server's own rules, so that a page offers
 * only what the API would grant (it still has the last word):
 * - start, stop, restart, the queue, delete, edit and share: the instance's owner or an admin of
 *   its project (core/instances/lifecycle-service `getOwned`, which every change goes through);
 * - open the notebook (`…/token`): they, and the users it is shared with
 *   (core/instances/instance-shares `openable`), while it runs;
 * - read it: every member of the project.
 */
import type { Instance } from '../../src/client/index.js';
import { isProjectAdmin, type ConsoleSession } from './session.js';
import { actionsFor, type ConsoleAction } from './statuses.js';

type Whose = Pick<Instance, 'id' | 'user'>;

/** Whether the user may change the instance: act on it, edit it, delete it, share it. */
export function mayChange(c: ConsoleSession, instance: Whose): boolean {
  return isProjectAdmin(c.session) || instance.user.id === c.session.user.id;
}

/**
 * Whether the user may open the notebook now; `sharedWithMe` holds the ids of the instances
 * shared with them (`GET …/shared-with-me`).
 */
export function mayOpen(
  c: ConsoleSession,
  instance: Whose & Pick<Instance, 'status'>,
  sharedWithMe: ReadonlySet<string>,
): boolean {
  return instance.status === 'RUNNING' && (mayChange(c, instance) || sharedWithMe.has(instance.id));
}

/** The actions the instance's status offers that the user may take (none on others' instances for a member). */
export function allowedActions(
  c: ConsoleSession,
  instance: Whose & Pick<Instance, 'status'>,
  flavorQueues: boolean,
): ConsoleAction[] {
  return mayChange(c, instance) ? actionsFor(instance, flavorQueues) : [];
}
