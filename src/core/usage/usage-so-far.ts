/**
 * @module core/usage/usage-so-far
 * All usage so far per project and flavor: what the closed periods add up to (kept by the store as
 * each closes) plus the open periods up to now. Summed in milliseconds times sizes, which stay
 * whole numbers, so a figure only grows as time passes and periods close (a closing period moves
 * from the open part to the closed one unchanged) and every replica computes the same one.
 */
import type { ClosedUsage, UsageLedger } from '../model/usage.js';

export function usageSoFar({ closed, open }: UsageLedger, now: number): ClosedUsage[] {
  const byKey = new Map<string, ClosedUsage>();
  const entry = (projectId: string, flavor: string) => {
    const key = JSON.stringify([projectId, flavor]);
    let sum = byKey.get(key);
    if (!sum) byKey.set(key, (sum = { projectId, flavor, instanceMs: 0, cpuMs: 0, memoryGibMs: 0, gpuMs: 0 }));
    return sum;
  };
  for (const c of closed) {
    const sum = entry(c.projectId, c.flavor);
    sum.instanceMs += c.instanceMs;
    sum.cpuMs += c.cpuMs;
    sum.memoryGibMs += c.memoryGibMs;
    sum.gpuMs += c.gpuMs;
  }
  for (const period of open) {
    // A period opened by a replica whose clock runs ahead of this one has not begun yet here.
    const ms = Math.max(0, now - period.start);
    const sum = entry(period.projectId, period.flavor);
    sum.instanceMs += ms;
    sum.cpuMs += ms * period.cpus;
    sum.memoryGibMs += ms * period.memoryGib;
    sum.gpuMs += ms * period.gpus;
  }
  return [...byKey.values()];
}
