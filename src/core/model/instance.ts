/**
 * @module core/model/instance
 * The stored instance. Sub-objects that clients send and read back unchanged (storage, repository,
 * extend params) keep their wire names; everything the service derives (URL, remain time, flavor
 * details, queue rank) is computed at read time from these fields, never stored twice.
 */
import { IDLE_STATUSES, type InstanceStatus } from './statuses.js';

export type StorageType = 'obs' | 'evs' | 'efs' | 'obsfs';

export interface StorageLocation {
  path?: string;
  volume_size?: number;
  mount_path?: string;
}

export interface Storage {
  type: StorageType;
  location: StorageLocation;
}

export interface AutoStopSettings {
  enable: boolean;
  duration: number;
  prompt: boolean;
}

/** Table 21. Values are sealed by core/secrets/box before they are stored; never returned in clear. */
export interface Credential {
  ssh_private_key?: string;
  access_token?: string;
}

/** Table 19 + 20. */
export interface Repository {
  id?: string;
  branch?: string;
  user_name?: string;
  user_email?: string;
  type?: string;
  connection_info?: {
    protocol?: string;
    url?: string;
    credential?: Credential;
  };
}

export interface PoolRef {
  id: string;
  name: string;
  type: string;
  owner: { project_id: string } | null;
}

export interface FailedReasons {
  code: string;
  message: string;
  detail: Record<string, string> | null;
}

export interface InstanceSpec {
  storage: Storage;
  auto_stop: AutoStopSettings;
  annotations: Record<string, string>;
  extend_storage: Storage[] | null;
  repository: Repository | null;
  custom_script_path: string | null;
  log_path: string | null;
  extend_params: Record<string, string> | null;
  credential: Credential | null;
}

/** What a runtime driver left behind for a running workload, so a restarted service can re-attach. */
export interface RuntimeState {
  /** Where the proxy reaches the workload (e.g. `http://127.0.0.1:41234`). */
  endpoint: string | null;
  /** Opaque to everyone but the driver that wrote it (pid, pod name, private token, …). */
  data: Record<string, unknown>;
}

export interface Instance {
  id: string;
  projectId: string;
  user: { id: string; name: string };
  name: string;
  description: string;
  status: InstanceStatus;
  profileId: string;
  flavor: string;
  workspaceId: string;
  aiProjectId: string;
  pool: PoolRef | null;
  spec: InstanceSpec;
  failedReasons: FailedReasons | null;
  errorCode: string | null;
  /** Epoch ms: the auto-stop deadline of the current run (Table 14 stop_timestamp). */
  stopAt: number | null;
  /** Epoch ms: when a queued instance's slot was reserved (Table 11). */
  reservedAt: number | null;
  /** Epoch ms: when the instance joined its queue (Table 17 begin_timestamp). */
  queuedAt: number | null;
  runtime: RuntimeState | null;
  /**
   * Epoch ms: when the instance came to rest without running (STOPPED, a failure, UNAVAILABLE);
   * null while it runs. Retention counts from here. Absent in records written before it existed.
   */
  idleSince?: number | null;
  /**
   * false until the driver has prepared the instance's storage; a start of an instance never
   * prepared (created in a queue and left it, or failed in CREATING) goes through CREATING.
   * Absent in records written before it existed, all of which had been prepared.
   */
  prepared?: boolean;
  /** The last request that moved the instance, so the reconciler knows what a failure means. */
  intent: Intent;
  /**
   * Epoch ms: the last time a person acted on the instance through the API (created, started,
   * stopped, changed it); what the service does by itself does not count. Absent in records
   * written before it existed, where `createdAt` stands in.
   */
  lastActivityAt?: number;
  createdAt: number;
  updatedAt: number;
  /** Incremented by every write; writers compare-and-set on it so no update is lost. */
  version: number;
}

export type IntentKind =
  | 'create'
  | 'start'
  | 'stop'
  | 'restart'
  | 'queue'
  | 'dequeue'
  | 'delete'
  | 'resize'
  | 'auto-stop'
  | 'budget-stop'
  | 'idle-stop'
  | 'notebook-quit'
  | 'fault'
  | 'retention'
  | 'reservation-expired';

export interface Intent {
  kind: IntentKind;
  /** Epoch ms. */
  at: number;
  /** Who asked: a user id, or `system` for automatic actions. */
  by: string;
}

/** The annotation that says why the service stopped an instance by itself (cleared on start). */
export const STOP_REASON_ANNOTATION = 'demanager/stop_reason';

/**
 * The annotation that warns a running instance its budget is running out (core/jobs/budget-enforcement),
 * shown as a banner while it runs (cleared on start).
 */
export const BUDGET_WARNING_ANNOTATION = 'demanager/budget_warning';

/**
 * The budget warnings an instance was given, one key a line (`<budget> <level> <window>`), so that
 * each is given once per budget period however often the enforcement runs, on whichever replica.
 */
export const BUDGET_WARNED_ANNOTATION = 'demanager/budget_warned';

/**
 * The annotation that says a waiting instance is held in its line by a spent budget, and why
 * (core/instances/queue-service). The API shows it on a queued instance while the hold lasts,
 * worked out when read; the stored copy marks that the hold's history entry was written.
 */
export const BUDGET_HOLD_ANNOTATION = 'demanager/budget_hold';

/**
 * The annotation the API answers `lastActivityAt` in (epoch ms as a string): an extension kept in
 * `spec.annotations`, as Table 2 has no such field.
 */
export const LAST_ACTIVITY_ANNOTATION = 'demanager/last_activity';

/** The stop reason of a notebook its user quit from inside (Jupyter's Quit). */
export const QUIT_REASON = 'stopped from inside the notebook (Jupyter’s Quit)';

export function newInstanceId(): string {
  return `DE-${crypto.randomUUID()}`;
}

const INSTANCE_ID = /^DE-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `value` has the shape {@link newInstanceId} gives: how drivers tell their own leftovers. */
export function isInstanceId(value: string): boolean {
  return INSTANCE_ID.test(value);
}

/**
 * Since when the instance has rested without running (retention counts from here), or null while
 * it is not resting. Records from before `idleSince` existed fall back to their last change.
 */
export function restingSince(instance: Pick<Instance, 'status' | 'idleSince' | 'updatedAt'>): number | null {
  return IDLE_STATUSES.has(instance.status) ? (instance.idleSince ?? instance.updatedAt) : null;
}

/**
 * `spec` with each of its credentials (its own and its repository's) passed through `map`: how they
 * are sealed on arrival and re-sealed under a new master key.
 */
export function mapCredentials(
  spec: InstanceSpec,
  map: (credential: Credential | null | undefined) => Credential | null,
): InstanceSpec {
  const repository = spec.repository;
  const info = repository?.connection_info;
  return {
    ...spec,
    credential: map(spec.credential),
    repository:
      repository && info?.credential
        ? { ...repository, connection_info: { ...info, credential: map(info.credential)! } }
        : repository,
  };
}
