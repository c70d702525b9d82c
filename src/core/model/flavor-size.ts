/**
 * @module core/model/flavor-size
 * What one instance of a flavor holds, in the units usage is counted in: CPUs (`params.CPU`),
 * memory (`params.memory`, written as people write it: `8GiB`, `512MB`, `1.5G`, a bare number of
 * bytes) and GPUs. The runtime drivers read the memory the same way to size a workload.
 */
import { gpusOf, type Flavor } from './catalog.js';

export interface MemorySize {
  /** The number as written (`1.5`). */
  amount: string;
  /** `K`, `M`, `G`, `T`, `P`, or '' for bytes. */
  prefix: string;
  /** `Ki`-style (powers of 1024) rather than decimal. */
  binary: boolean;
}

/** The size as written, or undefined when it is not one. */
export function readMemorySize(value: string | number): MemorySize | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? { amount: String(value), prefix: '', binary: false } : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]i?)?B?\s*$/i.exec(value);
  if (!match) return undefined;
  return { amount: match[1]!, prefix: match[2]?.[0]?.toUpperCase() ?? '', binary: match[2]?.[1] !== undefined };
}

/** The size in bytes. */
export function bytesOf({ amount, prefix, binary }: MemorySize): number {
  const power = ' KMGTP'.indexOf(prefix || ' ');
  return Math.round(Number(amount) * (binary ? 1024 : 1000) ** power);
}

/** What one instance holds while it holds a slot. */
export interface UsageSize {
  cpus: number;
  memoryGib: number;
  gpus: number;
}

const GIB = 1024 ** 3;

/** One instance's size of `flavor`; a figure the flavor does not give (or gives wrong) counts 0. */
export function flavorSize(flavor: Flavor): UsageSize {
  const cpus = Number(flavor.params.CPU ?? 0);
  const memory = flavor.params.memory === undefined ? undefined : readMemorySize(flavor.params.memory);
  return {
    cpus: Number.isFinite(cpus) && cpus > 0 ? cpus : 0,
    memoryGib: memory === undefined ? 0 : bytesOf(memory) / GIB,
    gpus: gpusOf(flavor),
  };
}

/** Sizes by flavor name, for whoever records usage; undefined for a flavor the catalog lacks. */
export type UsageSizer = (flavor: string) => UsageSize | undefined;

export function sizerOf(flavors: readonly Flavor[]): UsageSizer {
  const sizes = new Map(flavors.map((f) => [f.name, flavorSize(f)]));
  return (name) => sizes.get(name);
}
