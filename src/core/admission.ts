/**
 * @module core/admission
 * Which limits a write must respect: the capacity of the flavor and of the dedicated pool (counted
 * over the instances that hold a slot) and the per-user and per-project quotas (counted over every
 * instance). The store checks them in the transaction of the write, so concurrent requests, on one
 * replica or several, never admit more than a limit allows.
 */
import type { Catalog, Flavor } from './catalog.js';
import { ApiError } from './errors.js';
import type { Instance } from './instance.js';
import type { InstanceStatus } from './statuses.js';
import type { SlotLimit } from './store.js';

/** Statuses in which an instance holds a slot of its flavor (and pool). */
export const SLOT_STATUSES: readonly InstanceStatus[] = ['CREATING', 'STARTING', 'RUNNING', 'RESTARTING', 'STOPPING', 'READY_TO_START'];
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
  if (flavor && flavor.capacity > 0) limits.push({ scope: 'flavor', key: flavor.name, max: flavor.capacity, statuses: SLOT_STATUSES });
  const pool = instance.pool ? catalog.pool(instance.pool.id) : undefined;
  if (pool && pool.capacity > 0) limits.push({ scope: 'pool', key: pool.id, max: pool.capacity, statuses: SLOT_STATUSES });
  return limits;
}

/** The quota limits a new instance must respect. */
export function quotaLimits(quotas: Quotas, instance: Pick<Instance, 'projectId' | 'user'>): SlotLimit[] {
  const limits: SlotLimit[] = [];
  if (quotas.instancesPerUser > 0) limits.push({ scope: 'user', key: instance.user.id, max: quotas.instancesPerUser });
  if (quotas.instancesPerProject > 0) limits.push({ scope: 'project', key: instance.projectId, max: quotas.instancesPerProject });
  return limits;
}

/** The answer the public API gives when a limit is reached. */
export function limitError(limit: SlotLimit): ApiError {
  switch (limit.scope) {
    case 'flavor':
    case 'pool':
      return new ApiError('ModelArts.6329');
    case 'user':
      return new ApiError('ModelArts.6302');
    case 'project':
      return new ApiError('ModelArts.0113', 'instances');
  }
}

/** Whether no slot of the flavor is free, given how many instances hold one. */
export function soldOut(flavor: Flavor, holders: number): boolean {
  return flavor.capacity > 0 && holders >= flavor.capacity;
}
