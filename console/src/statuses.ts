/**
 * @module console/statuses
 * How each of the API's statuses reads and looks, and which actions it offers.
 */
import {
  INSTANCE_STATUSES,
  TRANSITIONAL_STATUSES,
  type Instance,
  type InstanceAction,
  type InstanceStatus,
} from '../../src/client/index.js';

export { INSTANCE_STATUSES };

export type Tone = 'ok' | 'busy' | 'waiting' | 'idle' | 'failed' | 'warning';

const LOOK: Record<InstanceStatus, { label: string; tone: Tone }> = {
  CREATE_QUEUING: { label: 'Queued to create', tone: 'waiting' },
  CREATING: { label: 'Creating', tone: 'busy' },
  CREATE_FAILED: { label: 'Create failed', tone: 'failed' },
  START_QUEUING: { label: 'Queued to start', tone: 'waiting' },
  READY_TO_START: { label: 'Ready to start', tone: 'waiting' },
  STARTING: { label: 'Starting', tone: 'busy' },
  RESTARTING: { label: 'Restarting', tone: 'busy' },
  START_FAILED: { label: 'Start failed', tone: 'failed' },
  RUNNING: { label: 'Running', tone: 'ok' },
  STOPPING: { label: 'Stopping', tone: 'busy' },
  STOPPED: { label: 'Stopped', tone: 'idle' },
  UNAVAILABLE: { label: 'Unavailable', tone: 'warning' },
  DELETED: { label: 'Deleted', tone: 'idle' },
  RESIZING: { label: 'Resizing', tone: 'busy' },
  RESIZE_FAILED: { label: 'Resize failed', tone: 'failed' },
  DELETING: { label: 'Deleting', tone: 'busy' },
};

export function statusLook(status: InstanceStatus): { label: string; tone: Tone } {
  return LOOK[status];
}

export function isTransitional(status: InstanceStatus): boolean {
  return TRANSITIONAL_STATUSES.has(status);
}

export type ConsoleAction = InstanceAction | 'delete';

/** The actions that make sense in a status (the API has the last word). */
export function actionsFor(instance: Pick<Instance, 'status'>, flavorQueues: boolean): ConsoleAction[] {
  switch (instance.status) {
    case 'RUNNING':
      return ['stop', 'restart'];
    case 'STOPPED':
      return flavorQueues ? ['start', 'queue', 'delete'] : ['start', 'delete'];
    case 'CREATE_FAILED':
    case 'START_FAILED':
    case 'RESIZE_FAILED':
    case 'UNAVAILABLE':
      return ['start', 'delete'];
    case 'CREATE_QUEUING':
    case 'START_QUEUING':
      return ['dequeue', 'delete'];
    case 'READY_TO_START':
      return ['start', 'dequeue'];
    default:
      return [];
  }
}

/** Actions that lose work or the instance: they ask first. */
export const DESTRUCTIVE: ReadonlySet<ConsoleAction> = new Set<ConsoleAction>(['stop', 'restart', 'delete']);

export const ACTION_LABEL: Record<ConsoleAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  queue: 'Join the queue',
  dequeue: 'Leave the queue',
  delete: 'Delete',
};
