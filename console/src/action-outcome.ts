/**
 * @module console/action-outcome
 * What the page says about an action it asked for: "Stop: requested." while the instance is on
 * its way, then what came of it once the instance rests (the status the action led to), and
 * nothing once the instance has moved on again, so no banner outlives what it is about.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Instance, InstanceStatus } from '../../src/client/index.js';
import { ACTION_LABEL, isTransitional, statusLook, type ConsoleAction } from './statuses.js';

interface Asked {
  action: ConsoleAction;
  /** The instance's last write when the action was asked: only a later one can be its outcome. */
  after: number;
}

export interface ActionOutcome {
  /** The sentence to show, or '' for none. */
  message: string;
  /** Notes that `action` was accepted for the instance as it was shown when asked. */
  asked(action: ConsoleAction, shown: Instance): void;
  forget(): void;
}

export function useActionOutcome(instance: Instance | null): ActionOutcome {
  const [asked, setAsked] = useState<Asked | null>(null);
  const [ended, setEnded] = useState<{ action: ConsoleAction; status: InstanceStatus } | null>(null);
  const settled =
    asked !== null &&
    instance !== null &&
    !isTransitional(instance.status) &&
    Number(instance.latest_update_timestamp) > asked.after;

  useEffect(() => {
    if (!settled || !asked || !instance) return;
    setEnded({ action: asked.action, status: instance.status });
    setAsked(null);
  }, [settled]);

  const outcome = settled ? { action: asked.action, status: instance.status } : ended;
  let message = '';
  if (asked && !settled) message = `${ACTION_LABEL[asked.action]}: requested.`;
  else if (outcome && instance?.status === outcome.status)
    message = `${ACTION_LABEL[outcome.action]}: finished — ${statusLook(outcome.status).label}.`;

  return {
    message,
    asked(action, shown) {
      setEnded(null);
      setAsked({ action, after: Number(shown.latest_update_timestamp) });
    },
    forget() {
      setAsked(null);
      setEnded(null);
    },
  };
}
