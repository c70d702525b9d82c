/**
 * @module core/model/usage
 * Usage as recorded: every period an instance holds a slot (core/capacity/admission, from admission
 * to the end of STOPPING, or until it is deleted) is one record, opened and closed by the store in
 * the transaction of the status change that began or ended it. So the records survive a crash and
 * agree across replicas; what they add up to is core/usage's.
 */
import type { UsageSize } from './flavor-size.js';

export interface UsagePeriod extends UsageSize {
  /** Assigned by the store, increasing in write order. */
  seq: number;
  instanceId: string;
  /** The instance's name when the period began (kept after the instance is gone). */
  instanceName: string;
  projectId: string;
  userId: string;
  userName: string;
  flavor: string;
  /** Epoch ms: when the instance took its slot. */
  start: number;
  /** Epoch ms: when it gave the slot up; null while it holds it. */
  end: number | null;
}

/** Which periods to read: those that overlap [since, until), of one project, user or flavor or all. */
export interface UsageQuery {
  projectId?: string;
  userId?: string;
  flavor?: string;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
}

/**
 * What the closed periods of one project and flavor add up to, kept by the store as each period
 * closes: milliseconds a slot was held, and those weighted by the size (CPU-ms, memory GiB-ms,
 * GPU-ms). Sums of whole milliseconds times sizes stay exact where hours would drift, so a counter
 * read from them only ever grows and every replica reads the same figures.
 */
export interface ClosedUsage {
  projectId: string;
  flavor: string;
  instanceMs: number;
  cpuMs: number;
  memoryGibMs: number;
  gpuMs: number;
}

/** The closed totals and the open periods, read together (one snapshot): what usage so far is. */
export interface UsageLedger {
  closed: ClosedUsage[];
  open: UsagePeriod[];
}
