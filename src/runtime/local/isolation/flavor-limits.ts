/**
 * @module runtime/local/isolation/flavor-limits
 * What a flavor's params (`CPU`, `memory`) mean as control-group limits, and how to say a memory
 * size back to a person ("8 GiB").
 */
import type { Flavor } from '../../../core/model/catalog.js';
import { WorkloadError } from '../../../core/ports/runtime.js';
import { memoryBytes } from '../../flavor-memory.js';
import type { Limits } from './control-groups.js';

export function limitsOf(flavor: Flavor, maxTasks: number): Limits {
  const { CPU, memory } = flavor.params;
  const cpus = CPU === undefined ? null : Number(CPU);
  if (cpus !== null && !(cpus > 0))
    throw new WorkloadError(`The flavor's CPU ${JSON.stringify(CPU)} is not a positive number.`, 'ModelArts.6361', {
      phase: 'start',
    });
  return { cpus, memoryBytes: memory === undefined ? null : memoryBytes(memory), maxTasks };
}

/** Whether the flavor asks for anything the host would have to enforce. */
export function hasLimits(limits: Limits): boolean {
  return limits.cpus !== null || limits.memoryBytes !== null;
}

/** 8589934592 → "8 GiB", 268435456 → "256 MiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}
