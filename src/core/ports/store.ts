/**
 * @module core/ports/store
 * What the domain needs from persistence. Every method is async so that SQLite and PostgreSQL
 * implementations are interchangeable; implementations live in `src/store/` and are checked by
 * one contract suite.
 */
import type { Instance } from '../model/instance.js';
import type { InstanceStatus } from '../model/statuses.js';
import type { InstanceShare, NewInstanceShare } from '../model/instance-share.js';
import type { BucketHeldError, ObsBucket, ObsBucketUse } from '../model/obs-buckets.js';
import type { UsageLedger, UsagePeriod, UsageQuery } from '../model/usage.js';
import { budgetKey, type Budget, type BudgetScope } from '../model/budget.js';
import type { UsageSize } from '../model/flavor-size.js';
import type { BudgetStatus, ResourceMoments } from '../budgets/budget-status.js';
import type { Project, RoleAssignment, RoleName, StoredAccessKey, StoredToken, User } from '../model/identity-types.js';

export type SortKey = 'name' | 'creation_timestamp';

export interface InstanceQuery {
  projectId: string;
  /** Only this user's instances (`show_self`). */
  userId?: string;
  status?: InstanceStatus;
  workspaceId?: string;
  aiProjectId?: string;
  poolId?: string;
  /** Only names containing this, whatever the case (`name`, a demanager extension). */
  nameContains?: string;
  sortBy: SortKey;
  order: 'asc' | 'desc';
  offset: number;
  /** 0 means no limit. */
  limit: number;
}

export interface InstancePage {
  items: Instance[];
  total: number;
}

export class DuplicateNameError extends Error {
  constructor(name: string) {
    super(`an instance named ${name} already exists in the project`);
    this.name = 'DuplicateNameError';
  }
}

/**
 * An instance written with an id another already has: only a warm server's id can be asked for
 * twice (two replicas' creates taking the same slot), and the create that loses starts cold.
 */
export class InstanceIdTakenError extends Error {
  constructor(id: string) {
    super(`an instance with id ${id} already exists`);
    this.name = 'InstanceIdTakenError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * One entry of an instance's history: a request accepted, a transition committed, an automatic
 * action. Written in the same transaction as the change it describes, so the history never
 * claims a change that did not happen, nor misses one that did.
 */
export interface InstanceEvent {
  /** Assigned by the store, increasing in write order. */
  seq?: number;
  instanceId: string;
  projectId: string;
  /** Epoch ms. */
  at: number;
  /** What happened: `create`, `start`, `transition`, `admit`, `auto-stop`, `progress`, … (the API schema lists them). */
  kind: string;
  from: InstanceStatus | null;
  /** null when the instance is gone. */
  to: InstanceStatus | null;
  /** A user id, or `system` for automatic actions. */
  by: string;
  /** Which server process wrote it (replica id). */
  replica: string;
  detail: Record<string, string> | null;
}

export interface EventPage {
  items: InstanceEvent[];
  total: number;
}

/**
 * A bound on how many instances may exist (or hold a slot) at once, checked in the same
 * transaction as the write that would exceed it, serialised per key across processes.
 */
export interface SlotLimit {
  /**
   * `gpus`: the host's GPUs, shared by every GPU flavor (the key is `host`). `waiting`: one user's
   * instances waiting for one flavor (the key is the user id).
   */
  scope: 'flavor' | 'pool' | 'user' | 'project' | 'gpus' | 'waiting';
  /** The flavor name, pool id, user id or project id. */
  key: string;
  max: number;
  /** Only instances in these statuses count (slot holders); every instance when absent. */
  statuses?: readonly InstanceStatus[];
  /** Only instances of this flavor count; any flavor when absent. */
  flavor?: string;
  /**
   * A weighted limit (scope `gpus`): each instance counts as its flavor's weight (flavors not named
   * count nothing), and the write needs `need` more. Without it every instance counts 1 and needs 1.
   */
  weighted?: { weights: Readonly<Record<string, number>>; need: number };
}

/**
 * A write that makes an instance run (take a slot or join a line) must find its project's and its
 * owner's budgets unspent in the resources it uses (core/budgets), as of `at`, the write's time. The
 * store checks it in the write's transaction, under a lock per budget target that setting or
 * removing that budget takes too, so no write admits an instance on a budget spent before it.
 */
export interface BudgetLimit {
  scope: 'budget';
  projectId: string;
  userId: string;
  size: UsageSize;
  at: number;
}

/** What a write must respect: capacity, quotas, waiting limits and budgets. */
export type WriteLimit = SlotLimit | BudgetLimit;

/** A write refused as `status`'s budget is spent in `spent`, a resource the instance uses. */
export class BudgetSpentError extends Error {
  constructor(
    readonly status: BudgetStatus,
    readonly spent: ResourceMoments,
  ) {
    super(`${budgetKey(status.budget)} has no ${spent.resource} left`);
    this.name = 'BudgetSpentError';
  }
}

export class LimitReachedError extends Error {
  constructor(readonly limit: SlotLimit) {
    super(`${limit.scope} ${limit.key} is at its limit of ${limit.max}`);
    this.name = 'LimitReachedError';
  }
}

/**
 * An instance time the scheduler waits on, each kept in an indexed column: the auto-stop deadline,
 * when a queued instance's slot was reserved, and since when it has rested (`restingSince` of
 * core/model/instance).
 */
export type DueField = 'stopAt' | 'reservedAt' | 'restingSince';

/** Instances of one status (and flavor) by one due field; one status so each is one index range. */
export interface DueQuery {
  field: DueField;
  status: InstanceStatus;
  flavor?: string;
}

export interface InstanceRepository {
  /**
   * Inserts with version 1 (and `event`, in the same transaction); throws
   * {@link DuplicateNameError} when (project, name) is taken. An instance whose storage lies in an
   * obs bucket (core/model/obs-buckets) claims it for its project in that transaction if no project
   * holds it, and throws {@link BucketHeldError} (nothing written) if another project does.
   */
  insert(instance: Instance, event?: InstanceEvent, limits?: readonly WriteLimit[]): Promise<void>;
  get(projectId: string, id: string): Promise<Instance | undefined>;
  getById(id: string): Promise<Instance | undefined>;
  list(query: InstanceQuery): Promise<InstancePage>;
  /**
   * Which of `ids` the store holds, in one query: how a driver tells its leftovers from live
   * instances. Callers keep a batch to a thousand ids or so (a query's parameter limit).
   */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /**
   * The ids of every instance (of every project) in `status`: a caller with much to do for each
   * reads them by {@link getMany} a batch at a time, never all at once.
   */
  idsInStatus(status: InstanceStatus): Promise<string[]>;
  /** The instances of `ids` the store holds, in one query (a batch of a thousand ids or so). */
  getMany(ids: readonly string[]): Promise<Instance[]>;
  /** Every instance (of every project, or of one flavor) whose status is one of `statuses`. */
  listByStatus(statuses: readonly InstanceStatus[], flavor?: string): Promise<Instance[]>;
  /** The smallest value of `field` among the matching instances, or null when none has one. */
  earliest(query: DueQuery): Promise<number | null>;
  /** Up to `limit` matching instances whose `field` is at or before `until`, earliest first. */
  listDue(query: DueQuery & { until: number; limit: number }): Promise<Instance[]>;
  /** Number of instances per flavor for one user of one project. */
  countByFlavor(projectId: string, userId: string): Promise<Map<string, number>>;
  /** Number of instances per status, over every project. */
  countByStatus(): Promise<Map<InstanceStatus, number>>;
  /** Number of instances per flavor, over every project, whose status is one of `statuses`. */
  countInStatuses(statuses: readonly InstanceStatus[]): Promise<Map<string, number>>;
  /**
   * Writes `next` if the stored version still equals `next.version`; the stored version becomes
   * `next.version + 1`. Returns the written instance, or undefined when someone else wrote first.
   * `event` is appended in the same transaction, and only if the write wins. With `limits`, each
   * is checked in that transaction too (the instance itself not counted); a limit already reached
   * throws {@link LimitReachedError}, a spent budget {@link BudgetSpentError}, and nothing is
   * written. Capacity and quotas are checked before budgets: a write that finds no slot is told so
   * first.
   */
  update(next: Instance, event?: InstanceEvent, limits?: readonly WriteLimit[]): Promise<Instance | undefined>;
  /** Deletes if the stored version still equals `version` (appending `event` if it does). */
  delete(id: string, version: number, event?: InstanceEvent): Promise<boolean>;
  /** Appends an entry that accompanies no change (progress messages of a start). */
  appendEvent(event: InstanceEvent): Promise<void>;
  /** An instance's history in write order; kept after the instance is deleted. */
  listEvents(instanceId: string, page: { offset: number; limit: number }): Promise<EventPage>;
  /**
   * What changed in a project at or after `since` (writers' clock, ms): the instances written
   * since (by `updatedAt`, oldest first) and the ids of those deleted since (from their history).
   */
  changesSince(projectId: string, since: number): Promise<ProjectChanges>;
}

export interface ProjectChanges {
  changed: Instance[];
  deleted: string[];
}

/**
 * Named leases for work that one replica must do at a time (the reconciler, the scheduler).
 * Times are the caller's clock; a lease is free when it has no holder or its expiry has passed.
 */
export interface LeaseRepository {
  /**
   * Takes the lease for `ttlMs` if it is free or already held by `holder` (which renews it).
   * Returns whether `holder` holds it now. Atomic across processes.
   */
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it, so another replica can take it at once. */
  release(name: string, holder: string): Promise<void>;
  /** The current holder, if the lease is held and not expired. */
  holder(name: string, now: number): Promise<string | undefined>;
}

export interface IdentityRepository {
  insertUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  findUserByName(domain: string, name: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUser(user: User): Promise<void>;
  deleteUser(id: string): Promise<boolean>;

  insertProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  findProjectByName(domain: string, name: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  deleteProject(id: string): Promise<boolean>;

  assignRole(assignment: RoleAssignment): Promise<void>;
  unassignRole(assignment: RoleAssignment): Promise<boolean>;
  listAssignments(filter: { projectId?: string; userId?: string }): Promise<RoleAssignment[]>;
  rolesOf(userId: string, projectId: string): Promise<RoleName[]>;
  /**
   * A number the database raises in the same transaction as every write to users and role
   * assignments (and nothing else): equal answers mean nobody's identity, enabled state or roles
   * changed in between, on any replica.
   */
  revision(): Promise<number>;

  insertToken(token: StoredToken): Promise<void>;
  findToken(hash: string): Promise<StoredToken | undefined>;
  /** Deletes one token (a sign-out); deleting one that is gone already is no error. */
  deleteToken(hash: string): Promise<void>;
  deleteTokensOfUser(userId: string): Promise<void>;
  deleteExpiredTokens(now: number): Promise<number>;

  /** Throws {@link DuplicateKeyError} when the access key is taken. */
  insertAccessKey(key: StoredAccessKey): Promise<void>;
  getAccessKey(accessKey: string): Promise<StoredAccessKey | undefined>;
  /** One user's keys, oldest first. */
  listAccessKeys(userId: string): Promise<StoredAccessKey[]>;
  deleteAccessKey(accessKey: string): Promise<boolean>;
  /** Records a use at `at`; does nothing when the key is gone. */
  touchAccessKey(accessKey: string, at: number): Promise<void>;
  /**
   * Replaces the key's sealed secret if it is still `expected` (a master key rotation re-sealing
   * it); false when the key is gone or its secret is no longer `expected`.
   */
  replaceSealedSecret(accessKey: string, expected: string, sealed: string): Promise<boolean>;
}

/** Who holds which obs bucket (core/model/obs-buckets). */
export interface BucketRepository {
  get(name: string): Promise<ObsBucket | undefined>;
  /** Every bucket held, by name, with how many instances use each. */
  list(): Promise<ObsBucketUse[]>;
  /** The bucket's holder after giving it to `projectId` if it was free (atomic across processes). */
  claim(name: string, projectId: string, at: number): Promise<string>;
  /** Gives the bucket to `projectId`, whoever held it. */
  assign(bucket: ObsBucket): Promise<void>;
  /** Releases it unless an instance uses it: `released`, `in-use` (kept) or `absent`. */
  release(name: string): Promise<'released' | 'in-use' | 'absent'>;
  /** The buckets a project holds, by name. */
  heldBy(projectId: string): Promise<string[]>;
}

/**
 * Who instances are shared with (core/model/instance-share). Every write raises the identity
 * revision in its transaction, as a role assignment's does; a share goes with its instance or user.
 */
export interface ShareRepository {
  /** One instance's shares, by user name. */
  list(instanceId: string): Promise<InstanceShare[]>;
  /** Whether `userId` holds a share of the instance. */
  has(instanceId: string, userId: string): Promise<boolean>;
  /** The user ids each instance of a project is shared with (instances shared with nobody left out). */
  inProject(projectId: string): Promise<Map<string, string[]>>;
  /** Writes the share unless that user already holds one (kept as it is): whether it wrote. */
  grant(share: NewInstanceShare): Promise<boolean>;
  /** Whether there was a share to remove. */
  revoke(instanceId: string, userId: string): Promise<boolean>;
}

/**
 * One API call that asked for a change, kept for the audit trail whether it was granted or not.
 * Automatic actions are not written here: they are in the instance history, written with the
 * change itself, and {@link AuditRepository.list} reads both.
 */
export interface AuditRecord {
  /** Assigned by the store. */
  seq?: number;
  at: number;
  /** The project the call was made in (path or token), null when there was none. */
  projectId: string | null;
  /** Who: the authenticated user, or null when the call was refused before anyone was known. */
  userId: string | null;
  userName: string | null;
  /** What: method and route pattern, `POST /v1/{project_id}/demanager/instances/{instance_id}/action`. */
  action: string;
  /** The instance, user, project or key the call named, if any. */
  target: string | null;
  /** Source address of the connection. */
  source: string;
  status: number;
  /** `success`, or the error code the caller got. */
  outcome: string;
  replica: string;
  /** Safe, non-secret particulars (the action asked for, the user name a login tried). */
  detail: Record<string, string> | null;
}

/** An audit trail entry as read: an API call, or an automatic action from an instance's history. */
export interface AuditEntry extends Omit<AuditRecord, 'seq'> {
  origin: 'api' | 'system';
  seq: number;
}

export interface AuditPage {
  items: AuditEntry[];
  total: number;
}

export interface AuditQuery {
  projectId?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  offset: number;
  /** 0 means no limit. */
  limit: number;
}

export interface AuditRepository {
  record(record: AuditRecord): Promise<void>;
  /**
   * The trail of one project (or, without `projectId`, of all, including calls made in none),
   * newest first: API calls and the automatic actions on instances (auto-stop, idle stop,
   * admission, reservation expiry, retention, crash marking).
   */
  list(query: AuditQuery): Promise<AuditPage>;
}

/**
 * Usage periods (core/model/usage). The instance repository writes them, in the transaction of each
 * status change that takes or gives up a slot; this side only reads.
 */
export interface UsageRepository {
  /**
   * The periods that overlap the query's window (open ones included), oldest first. Bound by an
   * index on when each period ended, so a recent window reads only the periods near it, however
   * long the history.
   */
  overlapping(query: UsageQuery): Promise<UsagePeriod[]>;
  /** The periods still open (instances holding a slot now), of one project or user, or all. */
  open(filter: { projectId?: string; userId?: string }): Promise<UsagePeriod[]>;
  /**
   * What every period closed so far adds up to, per project and flavor (kept in the transaction that
   * closes each period, so it never lags the periods and agrees across replicas), and the periods
   * open now, read in one snapshot: a period closing meanwhile is in one of them, never both or neither.
   */
  ledger(): Promise<UsageLedger>;
}

/** Budgets of projects and users (core/model/budget), one per target at most. */
export interface BudgetRepository {
  /** Every budget whose project or user still exists, projects first, then by target id. */
  list(): Promise<Budget[]>;
  /** The budgets that apply to an instance of `projectId` owned by `userId` (0, 1 or 2). */
  applying(projectId: string, userId: string): Promise<Budget[]>;
  /** Sets the target's budget, replacing the one it had. */
  put(budget: Budget): Promise<void>;
  /** False when the target had none. */
  remove(scope: BudgetScope, targetId: string): Promise<boolean>;
}

/**
 * A write another process committed to the same database (another replica; a command on the same
 * SQLite file): an instance updated or deleted, the identity revision raised (users, roles,
 * shares), or, where the database cannot say what, anything.
 */
export type ForeignWrite = { kind: 'instance'; id: string } | { kind: 'identity' } | { kind: 'unknown' };

/**
 * Tells this process of {@link ForeignWrite}s, for what keeps answers in memory between requests
 * (the notebook proxy's access decisions). Writes made through this process's own store are told
 * by core/changes instead (they may be told here too; a second telling is harmless).
 */
export interface ForeignWrites {
  /**
   * Calls `listener` with each foreign write committed from now on, until the returned function is
   * called; resolves once that holds (PostgreSQL: once it listens, or once a first try failed, after
   * which {@link caughtUp} says false until a later try succeeds).
   */
  listen(listener: (write: ForeignWrite) => void): Promise<() => void>;
  /**
   * Whether every foreign write committed before this call has been told, asked before trusting
   * what was kept: false while the store cannot tell (no live notification connection). Cheap and
   * synchronous; SQLite looks at the file's change counter here and tells what it finds first.
   */
  caughtUp(): boolean;
  /**
   * Resolves once every other process that keeps answers from this database has been told of every
   * write this process committed before the call, or can no longer trust what it kept: what a
   * call that withdraws access waits for before it answers, so that no replica admits anyone on
   * the strength of what the call just changed. Never rejects; bounded in time (PostgreSQL: two
   * heartbeat intervals, after which a process that has not heard has stopped trusting anyway).
   */
  heardEverywhere(): Promise<void>;
}

/**
 * A fault of the storage rather than of the request: the disk is full, the database (file or
 * server) is read-only, an I/O error, a lock or resource held too long, the server unreachable.
 * Work that met one may succeed once it passes.
 */
export type StorageFault = 'full' | 'read-only' | 'io' | 'busy' | 'unreachable';

export interface Store {
  readonly instances: InstanceRepository;
  readonly audit: AuditRepository;
  readonly identity: IdentityRepository;
  readonly leases: LeaseRepository;
  readonly buckets: BucketRepository;
  readonly shares: ShareRepository;
  readonly usage: UsageRepository;
  readonly budgets: BudgetRepository;
  /** Brings the schema to the newest version; safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  /** Names of migrations this code knows that the database has not run (empty when current). */
  pendingMigrations(): Promise<string[]>;
  /**
   * The database's name for good (one per database, the same on every replica): resources the
   * service keeps outside it are stamped with it, so that they are never taken for another
   * database's orphans.
   */
  installationId(): Promise<string>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Resolves when the database takes a write: `replica`'s row of the write probes set to `at`. */
  probeWrite(replica: string, at: number): Promise<void>;
  /** The storage fault `error` (thrown by this store) stands for, or undefined when it is none. */
  faultOf(error: unknown): StorageFault | undefined;
  /** Writes committed by other processes, as they commit. */
  readonly foreignWrites: ForeignWrites;
  close(): Promise<void>;
}
