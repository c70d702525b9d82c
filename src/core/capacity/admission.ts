/**
 * @module core/capacity/admission
 * Which limits a write must respect: the capacity of the flavor and of the dedicated pool (counted
 * over the instances that hold a slot), the per-user and per-project quotas (counted over every
 * instance), and the budgets of the instance's project and owner (core/budgets). The store checks them in the transaction of the write, so concurrent requests, on one
 * replica or several, never admit more than a limit allows.
 */
import { gpusOf, type Catalog, type Flavor } from '../model/catalog.js';
import { DomainError } from '../shared/errors.js';
import type { Instance } from '../model/instance.js';
import { QUEUED_STATUSES, type InstanceStatus } from '../model/statuses.js';
import { flavorSize } from '../model/flavor-size.js';
import type { BudgetLimit, SlotLimit } from '../ports/store.js';

/** Statuses in which an instance holds a slot of its flavor (and pool). */
export const SLOT_STATUSES: readonly InstanceStatus[] = [
  'CREATING',
  'STARTING',
  'RUNNING',
  'RESTARTING',
  'STOPPING',
  'READY_TO_START',
];
const HOLDS_SLOT = new Set(SLOT_STATUSES);

export interface Quotas {
  /** Instances one user may have in all; 0 for no limit. */
  instancesPerUser: number;
  /** Instances one project may have in all; 0 for no limit. */
  instancesPerProject: number;
}

export function holdsSlot(status: InstanceStatus): boolean {
  return HOLDS_SLOT.has(status);
}

/** The capacity limits an instance entering a slot-holding status must respect. */
export function slotLimits(catalog: Catalog, instance: Pick<Instance, 'flavor' | 'pool'>): SlotLimit[] {
  const limits: SlotLimit[] = [];
  const flavor = catalog.flavor(instance.flavor);
  if (flavor && flavor.capacity > 0)
    limits.push({ scope: 'flavor', key: flavor.name, max: flavor.capacity, statuses: SLOT_STATUSES });
  const pool = instance.pool ? catalog.pool(instance.pool.id) : undefined;
  if (pool && pool.capacity > 0)
    limits.push({ scope: 'pool', key: pool.id, max: pool.capacity, statuses: SLOT_STATUSES });
  const gpus = flavor ? gpusOf(flavor) : 0;
  if (catalog.hostGpus !== null && gpus > 0) {
    limits.push({
      scope: 'gpus',
      key: 'host',
      max: catalog.hostGpus,
      statuses: SLOT_STATUSES,
      weighted: { weights: catalog.gpuWeights(), need: gpus },
    });
  }
  return limits;
}

/** The quota limits a new instance must respect. */
export function quotaLimits(quotas: Quotas, instance: Pick<Instance, 'projectId' | 'user'>): SlotLimit[] {
  const limits: SlotLimit[] = [];
  if (quotas.instancesPerUser > 0) limits.push({ scope: 'user', key: instance.user.id, max: quotas.instancesPerUser });
  if (quotas.instancesPerProject > 0)
    limits.push({ scope: 'project', key: instance.projectId, max: quotas.instancesPerProject });
  return limits;
}

/** The limit on how many of one user's instances may wait for the instance's flavor (none: no limit). */
export function waitingLimits(catalog: Catalog, instance: Pick<Instance, 'flavor' | 'user'>): SlotLimit[] {
  const max = catalog.flavor(instance.flavor)?.max_waiting_per_user ?? 0;
  return max > 0
    ? [{ scope: 'waiting', key: instance.user.id, flavor: instance.flavor, max, statuses: QUEUED_STATUSES }]
    : [];
}

/** The budgets an instance must find unspent to run (take a slot or join a line) from `at` on. */
export function budgetLimits(
  catalog: Catalog,
  instance: Pick<Instance, 'flavor' | 'projectId' | 'user'>,
  at: number,
): BudgetLimit[] {
  const flavor = catalog.flavor(instance.flavor);
  if (!flavor) return [];
  return [{ scope: 'budget', projectId: instance.projectId, userId: instance.user.id, size: flavorSize(flavor), at }];
}

/** Whether a limit is one of capacity (a slot, a GPU), which a flavor that queues waits for, unlike a quota. */
export function isCapacity(limit: SlotLimit): boolean {
  return limit.scope === 'flavor' || limit.scope === 'pool' || limit.scope === 'gpus';
}

/** The answer the public API gives when a limit is reached. */
export function limitError(limit: SlotLimit): DomainError {
  switch (limit.scope) {
    case 'flavor':
    case 'pool':
    case 'gpus':
      return new DomainError('ModelArts.6329');
    case 'user':
      return new DomainError('ModelArts.6302');
    case 'project':
      return new DomainError('ModelArts.0113', 'instances');
    case 'waiting':
      return new DomainError(
        'ModelArts.0113',
        `instances waiting for ${limit.flavor ?? 'the flavor'} per user (${limit.max})`,
      );
  }
}

/**
 * Whether no slot of the flavor is free, given how many instances hold one per flavor: its own
 * capacity is taken, or (GPU flavors, where the runtime shares out the host's GPUs) too few GPUs
 * are left for one more of its instances.
 */
export function soldOut(catalog: Catalog, flavor: Flavor, holders: ReadonlyMap<string, number>): boolean {
  if (flavor.capacity > 0 && (holders.get(flavor.name) ?? 0) >= flavor.capacity) return true;
  const gpus = gpusOf(flavor);
  if (catalog.hostGpus === null || gpus === 0) return false;
  let used = 0;
  for (const [name, weight] of Object.entries(catalog.gpuWeights())) used += (holders.get(name) ?? 0) * weight;
  return used + gpus > catalog.hostGpus;
}

/** The queueing flavors whose line may move when an instance of `flavor` gives up its slot. */
export function flavorsFreedBy(catalog: Catalog, flavor: Flavor): Flavor[] {
  const sharesGpus = catalog.hostGpus !== null && gpusOf(flavor) > 0;
  const others = sharesGpus
    ? catalog.data.flavors.filter((f) => f.name !== flavor.name && f.queues && gpusOf(f) > 0)
    : [];
  return [flavor, ...others];
}
