/**
 * @module runtime/local/isolation/flavor-limits
 * What a flavor's params (`CPU`, `memory`) mean as control-group limits, and how to say a memory
 * size back to a person ("8 GiB").
 */
import type { Flavor } from '../../../core/catalog.js';
import { WorkloadError } from '../../../core/runtime.js';
import type { Limits } from './control-groups.js';

const UNITS: Record<string, number> = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  KI: 2 ** 10,
  MI: 2 ** 20,
  GI: 2 ** 30,
  TI: 2 ** 40,
};

/** `8GiB`, `512Mi`, `2GB`, `1.5G`; a bare number is bytes. */
export function memoryBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?)?B?\s*$/i.exec(value);
  const factor = match ? UNITS[(match[2] ?? '').toUpperCase()] : undefined;
  if (!match || factor === undefined) throw new WorkloadError(`The flavor's memory ${JSON.stringify(value)} is not a size such as 8GiB.`, 'ModelArts.6361', { phase: 'start' });
  return Math.round(Number(match[1]) * factor);
}

export function limitsOf(flavor: Flavor, maxTasks: number): Limits {
  const { CPU, memory } = flavor.params;
  const cpus = CPU === undefined ? null : Number(CPU);
  if (cpus !== null && !(cpus > 0)) throw new WorkloadError(`The flavor's CPU ${JSON.stringify(CPU)} is not a positive number.`, 'ModelArts.6361', { phase: 'start' });
  return { cpus, memoryBytes: memory === undefined ? null : memoryBytes(memory), maxTasks };
}

/** Whether the flavor asks for anything the host would have to enforce. */
export function hasLimits(limits: Limits): boolean {
  return limits.cpus !== null || limits.memoryBytes !== null;
}

/** 8589934592 → "8 GiB", 268435456 → "256 MiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}
