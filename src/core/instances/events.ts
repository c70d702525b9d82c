/**
 * @module core/instances/events
 * Builds the history entries that accompany every change of an instance (see
 * {@link InstanceEvent}); the store writes each in the same transaction as its change.
 */
import type { Instance } from '../model/instance.js';
import type { InstanceStatus } from '../model/statuses.js';
import type { InstanceEvent } from '../ports/store.js';

export interface EventFacts {
  kind: string;
  from: InstanceStatus | null;
  to: InstanceStatus | null;
  by: string;
  at: number;
  replica: string;
  detail?: Record<string, string> | null;
}

export function instanceEvent(instance: Pick<Instance, 'id' | 'projectId'>, facts: EventFacts): InstanceEvent {
  return {
    instanceId: instance.id,
    projectId: instance.projectId,
    at: facts.at,
    kind: facts.kind,
    from: facts.from,
    to: facts.to,
    by: facts.by,
    replica: facts.replica,
    detail: facts.detail ?? null,
  };
}

/** What an event says about a failure: its code and message, for the history and the audit log. */
export function failureDetail(instance: Pick<Instance, 'failedReasons'>): Record<string, string> | null {
  const reasons = instance.failedReasons;
  return reasons ? { code: reasons.code, message: reasons.message } : null;
}
