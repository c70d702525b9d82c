/**
 * @module core/instances/lifecycle-service
 * The instance operations of the API. Each call checks the request against the transition table,
 * records the new status and intent with one compare-and-set write, wakes the reconciler, and
 * returns at once; the reconciler does the slow work. A rejected request writes nothing.
 */
import type { BudgetService } from '../budgets/budget-service.js';
import type { Catalog } from '../model/catalog.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { instanceEvent } from './events.js';
import type { QueueService } from './queue-service.js';
import type { ReconcileTrigger } from './reconcile-trigger.js';
import { RepositoryHosts } from './repository-hosts.js';
import type { WriterOptions } from './writer-options.js';
import type { WarmPool } from '../warm/warm-pool.js';
import type { SecretBox } from '../secrets/box.js';
import {
  BUDGET_HOLD_ANNOTATION,
  mapCredentials,
  newInstanceId,
  type Instance,
  type InstanceSpec,
  type IntentKind,
} from '../model/instance.js';
import {
  checkAutoStop,
  checkDescription,
  checkRenew,
  resolveFlavor,
  validateCreate,
  type CreateRequest,
  type ModifyRequest,
} from './requests.js';
import { BucketHeldError, bucketRefusal } from '../model/obs-buckets.js';
import {
  isQueued,
  TRANSITIONS,
  TRANSITIONAL_STATUSES,
  wrongStateCode,
  type InstanceAction,
  type InstanceStatus,
} from '../model/statuses.js';
import {
  budgetLimits,
  holdsSlot,
  isCapacity,
  limitError,
  quotaLimits,
  slotLimits,
  waitingLimits,
  type Quotas,
} from '../capacity/admission.js';
import {
  BudgetSpentError,
  DuplicateNameError,
  InstanceIdTakenError,
  LimitReachedError,
  type WriteLimit,
  type EventPage,
  type InstanceEvent,
  type InstancePage,
  type InstanceQuery,
  type Store,
} from '../ports/store.js';

/**
 * Who acts, as far as instances care. Every member of a project may list and read its instances;
 * only the owner or a project admin may change one or open its notebook.
 */
export interface Actor {
  userId: string;
  userName: string;
  projectId: string;
  /** Project admins act on every instance of the project; members on their own. */
  isProjectAdmin: boolean;
}

export interface ActionResult {
  previous: InstanceStatus;
  current: InstanceStatus;
}

const MAX_CAS_ATTEMPTS = 5;

/** A start found its queueing flavor full: the caller puts the instance in line instead. */
class QueueFull extends Error {}

export interface LifecycleServiceOptions extends Omit<WriterOptions, 'log'> {
  catalog: Catalog;
  /** Woken for each instance whose new status needs work. */
  trigger: ReconcileTrigger;
  /** Seals the credentials of a request's storage and repository. */
  secrets: SecretBox;
  /** Default: no limit. */
  quotas?: Quotas;
  /** Where starts of flavors that queue wait when full; default none (they are refused). */
  queue?: QueueService | null;
  /** Default: the built-in repository hosts only. */
  repositoryHosts?: RepositoryHosts;
  /** Refuses a create or start on a spent budget; default none (no budgets). */
  budgets?: Pick<BudgetService, 'refusal'> | null;
  /** Warm servers a create takes its id from (core/warm); default none. */
  warm?: Pick<WarmPool, 'take' | 'giveBack'> | null;
}

export class LifecycleService {
  private readonly store: Store;
  private readonly catalog: Catalog;
  private readonly clock: Clock;
  private readonly trigger: ReconcileTrigger;
  private readonly secrets: SecretBox;
  private readonly replica: string;
  private readonly quotas: Quotas;
  private readonly queue: QueueService | null;
  private readonly repositoryHosts: RepositoryHosts;
  private readonly budgets: Pick<BudgetService, 'refusal'> | null;
  private readonly warm: Pick<WarmPool, 'take' | 'giveBack'> | null;

  constructor(options: LifecycleServiceOptions) {
    ({
      store: this.store,
      catalog: this.catalog,
      clock: this.clock,
      trigger: this.trigger,
      secrets: this.secrets,
      replica: this.replica,
    } = options);
    this.quotas = options.quotas ?? { instancesPerUser: 0, instancesPerProject: 0 };
    this.queue = options.queue ?? null;
    this.warm = options.warm ?? null;
    this.repositoryHosts = options.repositoryHosts ?? new RepositoryHosts();
    this.budgets = options.budgets ?? null;
  }

  /**
   * The budgets a write that makes `instance` run must find unspent, checked by the store in the
   * write's transaction (the owner's budget counts, whoever acts): none without budgets.
   */
  #budgetLimits(instance: Instance): WriteLimit[] {
    return this.budgets ? budgetLimits(this.catalog, instance, this.clock.now()) : [];
  }

  #event(instance: Instance, kind: string, from: InstanceStatus | null, to: InstanceStatus, by: string): InstanceEvent {
    return instanceEvent(instance, { kind, from, to, by, at: this.clock.now(), replica: this.replica });
  }

  #insert(instance: Instance, limits: WriteLimit[], by: string): Promise<void> {
    return this.store.instances.insert(instance, this.#event(instance, 'create', null, instance.status, by), limits);
  }

  #queues(instance: Pick<Instance, 'flavor'>, err: LimitReachedError): boolean {
    return this.queue !== null && isCapacity(err.limit) && this.catalog.flavor(instance.flavor)?.queues === true;
  }

  async #refusal(err: unknown): Promise<unknown> {
    if (err instanceof BudgetSpentError && this.budgets) return this.budgets.refusal(err);
    if (err instanceof DuplicateNameError) return new DomainError('ModelArts.6301');
    if (err instanceof LimitReachedError) return limitError(err.limit);
    if (err instanceof BucketHeldError) return bucketRefusal(err.bucket);
    return err;
  }

  /** Credentials are kept sealed from the moment they arrive; only a runtime driver opens them. */
  #sealSecrets(spec: InstanceSpec): InstanceSpec {
    return mapCredentials(spec, (credential) => this.secrets.sealCredential(credential));
  }

  async create(actor: Actor, request: CreateRequest): Promise<Instance> {
    try {
      return await this.#create(actor, request, true);
    } catch (err) {
      // Another replica's create took the same warm server a moment earlier (the id is unique, so
      // only one could): this one starts a server of its own.
      if (!(err instanceof InstanceIdTakenError)) throw err;
      return this.#create(actor, request, false);
    }
  }

  async #create(actor: Actor, request: CreateRequest, mayTakeWarm: boolean): Promise<Instance> {
    const valid = validateCreate(this.catalog, request, actor.projectId);
    const url = valid.spec.repository?.connection_info?.url;
    const refusal = url ? await this.repositoryHosts.refusal(url, 'accept') : null;
    if (refusal) throw new DomainError('ModelArts.6336', 'repository.connection_info.url').because(refusal);
    const now = this.clock.now();
    // A free warm server's id: the instance is that server's from this write on (its start takes it over).
    const warmId = mayTakeWarm
      ? (this.warm?.take(valid.flavor, valid.profile, { pool: valid.pool, spec: valid.spec }) ?? null)
      : null;
    const instance: Instance = {
      id: warmId ?? newInstanceId(),
      projectId: actor.projectId,
      user: { id: actor.userId, name: actor.userName },
      name: valid.name,
      description: valid.description,
      status: 'CREATING',
      profileId: valid.profile.id,
      flavor: valid.flavor.name,
      workspaceId: valid.workspaceId,
      aiProjectId: valid.aiProjectId,
      pool: valid.pool,
      spec: this.#sealSecrets(valid.spec),
      failedReasons: null,
      errorCode: null,
      stopAt: null,
      reservedAt: null,
      queuedAt: null,
      runtime: null,
      prepared: false,
      intent: { kind: 'create', at: now, by: actor.userId },
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    try {
      await this.#insert(
        instance,
        [...slotLimits(this.catalog, instance), ...quotaLimits(this.quotas, instance), ...this.#budgetLimits(instance)],
        actor.userId,
      );
    } catch (err) {
      // A flavor that queues takes the request in line instead of refusing it.
      if (!(err instanceof LimitReachedError && this.#queues(instance, err))) {
        if (warmId) this.warm?.giveBack(warmId);
        throw await this.#refusal(err);
      }
      instance.status = 'CREATE_QUEUING';
      instance.queuedAt = now;
      const limits = [
        ...quotaLimits(this.quotas, instance),
        ...waitingLimits(this.catalog, instance),
        ...this.#budgetLimits(instance),
      ];
      await this.#insert(instance, limits, actor.userId).catch(async (again: unknown) => {
        if (warmId) this.warm?.giveBack(warmId);
        throw await this.#refusal(again);
      });
      await this.queue!.admitNext(instance.flavor);
      return (await this.store.instances.getById(instance.id)) ?? instance;
    }
    this.trigger.wake(instance.id);
    return instance;
  }

  /**
   * The instance if it is in the actor's project (what a project lists, its members may read);
   * 6309 otherwise, whether or not it exists in another project.
   */
  async get(actor: Actor, id: string): Promise<Instance> {
    const instance = await this.store.instances.get(actor.projectId, id);
    if (!instance) throw new DomainError('ModelArts.6309');
    return instance;
  }

  /** The instance if the actor may act on it: its owner or a project admin (403 ModelArts.0108 otherwise). */
  async getOwned(actor: Actor, id: string): Promise<Instance> {
    const instance = await this.get(actor, id);
    if (!actor.isProjectAdmin && instance.user.id !== actor.userId) throw new DomainError('ModelArts.0108');
    return instance;
  }

  /** The instance's history, oldest first. */
  async events(actor: Actor, id: string, page: { offset: number; limit: number }): Promise<EventPage> {
    await this.get(actor, id);
    return this.store.instances.listEvents(id, page);
  }

  list(
    actor: Actor,
    query: Omit<InstanceQuery, 'projectId' | 'userId'> & { showSelf: boolean },
  ): Promise<InstancePage> {
    const { showSelf, ...rest } = query;
    return this.store.instances.list({
      ...rest,
      projectId: actor.projectId,
      ...(showSelf ? { userId: actor.userId } : {}),
    });
  }

  async modify(actor: Actor, id: string, request: ModifyRequest): Promise<Instance> {
    return this.#change(actor, id, 'modify', (current) => {
      if (current.status === 'DELETING') throw new DomainError('ModelArts.6347', current.status, 'instance');
      const next: Instance = { ...current, spec: { ...current.spec } };
      if (request.description !== undefined && request.description !== null) {
        checkDescription(request.description);
        next.description = request.description;
      }
      const autoStop = request.spec?.auto_stop ?? request.auto_stop;
      // Applies from the next start; the running deadline stays as it was (public API behaviour).
      next.spec.auto_stop = checkAutoStop(autoStop, current.spec.auto_stop);
      if (autoStop?.stop_timestamp != null)
        next.stopAt = checkRenew(autoStop.stop_timestamp, current, this.clock.now());
      if (request.flavor && request.flavor !== current.flavor) {
        if (current.status !== 'STOPPED') throw new DomainError('ModelArts.6347', current.status, 'flavor');
        const profile = this.catalog.profile(current.profileId);
        if (!profile) throw new DomainError('ModelArts.6361');
        next.flavor = resolveFlavor(this.catalog, profile, request.flavor, actor.projectId).name;
        next.status = 'RESIZING';
        next.intent = { kind: 'resize', at: this.clock.now(), by: actor.userId };
      }
      return next;
    });
  }

  async act(actor: Actor, id: string, action: InstanceAction): Promise<ActionResult> {
    let previous: InstanceStatus = 'STOPPED';
    const run = (request: InstanceAction) =>
      this.#change(actor, id, request, (current) => {
        previous = current.status;
        if (request === 'queue' && !this.catalog.flavor(current.flavor)?.queues)
          throw new DomainError('ModelArts.6357');
        return this.#transition(current, request, request, actor.userId);
      });
    let next: Instance;
    try {
      next = await run(action);
    } catch (err) {
      // A start that finds its queueing flavor full joins the line instead.
      if (!(action === 'start' && err instanceof QueueFull)) throw err;
      next = await run('queue');
    }
    if (action === 'queue' || action === 'dequeue' || next.status === 'START_QUEUING')
      await this.queue?.admitNext(next.flavor);
    const latest = next.status === 'START_QUEUING' ? await this.store.instances.getById(id) : next;
    return { previous, current: latest?.status ?? next.status };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.#change(actor, id, 'delete', (current) => this.#transition(current, 'delete', 'delete', actor.userId));
  }

  #transition(current: Instance, request: InstanceAction | 'delete', kind: IntentKind, by: string): Instance {
    const rule = TRANSITIONS[request];
    if (!rule.from.has(current.status)) throw new DomainError(`ModelArts.${wrongStateCode(request, current.status)}`);
    const now = this.clock.now();
    const next: Instance = {
      ...current,
      status: rule.to === 'STARTING' && current.prepared === false ? 'CREATING' : rule.to,
      intent: { kind, at: now, by },
    };
    if (request === 'start' || request === 'queue') {
      next.failedReasons = null;
      next.errorCode = null;
    }
    if (request === 'queue') next.queuedAt = now;
    if (request === 'dequeue') {
      next.queuedAt = null;
      next.reservedAt = null;
    }
    // A budget's hold is said once per stay in a line: a new stay may be held, and said, again.
    if (BUDGET_HOLD_ANNOTATION in current.spec.annotations && (request === 'queue' || request === 'dequeue')) {
      const { [BUDGET_HOLD_ANNOTATION]: _said, ...annotations } = current.spec.annotations;
      next.spec = { ...current.spec, annotations };
    }
    return next;
  }

  /** Re-reads and re-applies `change` until its compare-and-set write wins. */
  async #change(actor: Actor, id: string, kind: string, change: (current: Instance) => Instance): Promise<Instance> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.getOwned(actor, id);
      const next = change(current);
      next.updatedAt = this.clock.now();
      next.lastActivityAt = next.updatedAt;
      const eventKind =
        next.status === 'RESIZING' && current.status !== 'RESIZING'
          ? 'resize'
          : next.stopAt !== current.stopAt
            ? 'renew'
            : kind;
      // Entering a slot-holding status takes a slot, which the store grants only if one is free;
      // joining a line takes a place in it, which the flavor may limit per user. Either, from
      // neither, sets the instance running, which its budgets must allow.
      const runs = (i: Instance) => holdsSlot(i.status) || isQueued(i.status);
      const limits = [
        ...(holdsSlot(next.status) && !holdsSlot(current.status)
          ? slotLimits(this.catalog, next)
          : isQueued(next.status) && !isQueued(current.status)
            ? waitingLimits(this.catalog, next)
            : []),
        ...(runs(next) && !runs(current) ? this.#budgetLimits(next) : []),
      ];
      let written: Instance | undefined;
      try {
        written = await this.store.instances.update(
          next,
          this.#event(current, eventKind, current.status, next.status, actor.userId),
          limits,
        );
      } catch (err) {
        if (err instanceof LimitReachedError && this.#queues(next, err)) throw new QueueFull();
        throw await this.#refusal(err);
      }
      if (written) {
        if (TRANSITIONAL_STATUSES.has(written.status)) this.trigger.wake(written.id);
        return written;
      }
    }
    throw new DomainError('ModelArts.6357');
  }
}
