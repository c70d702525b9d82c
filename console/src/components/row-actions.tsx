/**
 * The buttons on an instance's row in the list: Open, Stop and Start, each only where the user may
 * (console/permissions) and the status allows; the rest is on the instance's page. Each button
 * names its instance, so a screen reader's list of buttons tells the rows apart. Under them, how
 * the last action asked from this list went for this instance.
 */
import type { Instance } from '../../../src/client/index.js';
import type { Outcome } from '../instance-batch.js';
import { ACTION_LABEL, type ConsoleAction } from '../statuses.js';

const ON_A_ROW: readonly ConsoleAction[] = ['stop', 'start'];

const DONE: Record<ConsoleAction, string> = {
  start: 'Start requested',
  stop: 'Stop requested',
  restart: 'Restart requested',
  queue: 'Joined the queue',
  dequeue: 'Left the queue',
  delete: 'Delete requested',
};

interface Props {
  instance: Instance;
  canOpen: boolean;
  /** What the user may do to it now (console/permissions). */
  actions: readonly ConsoleAction[];
  outcome: Outcome | undefined;
  onOpen(): void;
  onAct(action: ConsoleAction, button: HTMLElement): void;
}

export function RowActions({ instance, canOpen, actions, outcome, onOpen, onAct }: Props) {
  const busy = outcome?.state === 'running';
  return (
    <div>
      <div class="row-actions">
        {canOpen && (
          <button type="button" class="primary" aria-label={`Open ${instance.name}`} onClick={onOpen}>
            Open
          </button>
        )}
        {ON_A_ROW.filter((a) => actions.includes(a)).map((action) => (
          <button
            key={action}
            type="button"
            disabled={busy}
            aria-label={`${ACTION_LABEL[action]} ${instance.name}`}
            onClick={(e) => onAct(action, e.currentTarget)}
          >
            {ACTION_LABEL[action]}
          </button>
        ))}
      </div>
      {outcome && <OutcomeLine outcome={outcome} />}
    </div>
  );
}

function OutcomeLine({ outcome }: { outcome: Outcome }) {
  const label = ACTION_LABEL[outcome.action];
  return (
    <p class={`outcome outcome-${outcome.state}`} data-outcome={outcome.state}>
      {outcome.state === 'running' && `${label}…`}
      {outcome.state === 'done' && DONE[outcome.action]}
      {outcome.state === 'failed' && `${label} failed: ${outcome.reason}`}
    </p>
  );
}
