/**
 * @module core/model/statuses
 * The instance statuses of the DevEnviron API and the one transition table that the lifecycle
 * service, the reconciler and the tests read.
 */

export const INSTANCE_STATUSES = [
  'CREATE_QUEUING',
  'CREATING',
  'CREATE_FAILED',
  'START_QUEUING',
  'READY_TO_START',
  'STARTING',
  'RESTARTING',
  'START_FAILED',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'UNAVAILABLE',
  'DELETED',
  'RESIZING',
  'RESIZE_FAILED',
  'DELETING',
] as const;

export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Statuses the reconciler drives forward; an instance never rests in one of them. */
export const TRANSITIONAL_STATUSES: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>([
  'CREATING',
  'STARTING',
  'RESTARTING',
  'STOPPING',
  'DELETING',
  'RESIZING',
]);

/** Statuses in which the workload may be alive, so the driver must be asked to stop it. */
export const LIVE_STATUSES: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>([
  'CREATING',
  'STARTING',
  'RESTARTING',
  'RUNNING',
  'STOPPING',
]);

/** Statuses in which an instance rests without running; retention applies to these. */
export const IDLE_STATUSES: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>([
  'STOPPED',
  'CREATE_FAILED',
  'START_FAILED',
  'RESIZE_FAILED',
  'UNAVAILABLE',
]);

export type InstanceAction = 'start' | 'stop' | 'restart' | 'queue' | 'dequeue';
export const INSTANCE_ACTIONS: readonly InstanceAction[] = ['start', 'stop', 'restart', 'queue', 'dequeue'];

/** Statuses of instances waiting in their flavor's queue. */
export const QUEUED_STATUSES: readonly InstanceStatus[] = ['CREATE_QUEUING', 'START_QUEUING'];

export function isQueued(status: InstanceStatus): boolean {
  return status === 'CREATE_QUEUING' || status === 'START_QUEUING';
}

/** From which statuses each request is accepted and where it leads. */
export const TRANSITIONS: Record<InstanceAction | 'delete', { from: ReadonlySet<InstanceStatus>; to: InstanceStatus }> =
  {
    start: {
      // From READY_TO_START it is the owner confirming a reserved slot (an instance never created goes to CREATING).
      from: new Set<InstanceStatus>([
        'STOPPED',
        'CREATE_FAILED',
        'START_FAILED',
        'RESIZE_FAILED',
        'UNAVAILABLE',
        'READY_TO_START',
      ]),
      to: 'STARTING',
    },
    stop: { from: new Set<InstanceStatus>(['RUNNING']), to: 'STOPPING' },
    restart: { from: new Set<InstanceStatus>(['RUNNING']), to: 'RESTARTING' },
    queue: { from: new Set<InstanceStatus>(['STOPPED']), to: 'START_QUEUING' },
    dequeue: { from: new Set<InstanceStatus>(['CREATE_QUEUING', 'START_QUEUING', 'READY_TO_START']), to: 'STOPPED' },
    delete: {
      from: new Set<InstanceStatus>([
        'STOPPED',
        'CREATE_FAILED',
        'START_FAILED',
        'RESIZE_FAILED',
        'UNAVAILABLE',
        'CREATE_QUEUING',
        'START_QUEUING',
        'READY_TO_START',
      ]),
      to: 'DELETING',
    },
  };

/**
 * The ModelArts error for a request that the instance's status does not allow, chosen the way
 * the public API does: the most specific code for the status, 6357 otherwise.
 */
export function wrongStateCode(request: InstanceAction | 'delete', status: InstanceStatus): WrongStateCode {
  if (status === 'STARTING') return '6306';
  if (status === 'STOPPING') return '6308';
  if (request === 'delete' && status === 'RUNNING') return '6304';
  if (request === 'start' && status === 'RUNNING') return '6305';
  if (request === 'stop' && status === 'STOPPED') return '6307';
  return '6357';
}

export type WrongStateCode = '6304' | '6305' | '6306' | '6307' | '6308' | '6357';
