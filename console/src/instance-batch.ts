/**
 * @module console/instance-batch
 * One action on several instances at once (or on one, from its row): each is asked of the API on
 * its own, and how each went — under way, done, or failed with the API's reason — is told as it
 * comes, so a list can show it on each row. A failure on one does not stop the others; the end
 * says how many went which way.
 */
import type { Instance } from '../../src/client/index.js';
import { messageOf } from './api-errors.js';
import type { ConsoleSession } from './session.js';
import type { ConsoleAction } from './statuses.js';

export type Outcome =
  | { action: ConsoleAction; state: 'running' }
  | { action: ConsoleAction; state: 'done' }
  | { action: ConsoleAction; state: 'failed'; reason: string };

export async function runOnEach(
  c: ConsoleSession,
  action: ConsoleAction,
  targets: readonly Pick<Instance, 'id'>[],
  tell: (id: string, outcome: Outcome) => void,
  onFailure: (error: unknown) => void,
): Promise<{ done: number; failed: number }> {
  for (const { id } of targets) tell(id, { action, state: 'running' });
  const succeeded = await Promise.all(
    targets.map(async ({ id }) => {
      try {
        if (action === 'delete') await c.client.remove(id);
        else await c.client.action(id, action);
        tell(id, { action, state: 'done' });
        return true;
      } catch (error) {
        tell(id, { action, state: 'failed', reason: messageOf(error) });
        onFailure(error);
        return false;
      }
    }),
  );
  const done = succeeded.filter(Boolean).length;
  return { done, failed: targets.length - done };
}
