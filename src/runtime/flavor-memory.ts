/**
 * @module runtime/flavor-memory
 * A flavor's `memory` as people write it (`8GiB`, `512MB`, `1.5G`, a bare number of bytes), read
 * once for every driver: the Kubernetes driver writes it back as a quantity, the local one as a
 * control group's byte limit.
 */
import { WorkloadError } from '../core/ports/runtime.js';

export interface MemorySize {
  /** The number as written (`1.5`). */
  amount: string;
  /** `K`, `M`, `G`, `T`, `P`, or '' for bytes. */
  prefix: string;
  /** `Ki`-style (powers of 1024) rather than decimal. */
  binary: boolean;
}

export function memorySize(value: string | number): MemorySize {
  if (typeof value === 'number') return { amount: String(value), prefix: '', binary: false };
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]i?)?B?\s*$/i.exec(value);
  if (!match)
    throw new WorkloadError(
      `The flavor's memory ${JSON.stringify(value)} is not a size such as 8GiB.`,
      'ModelArts.6361',
      { phase: 'start' },
    );
  return { amount: match[1]!, prefix: match[2]?.[0]?.toUpperCase() ?? '', binary: match[2]?.[1] !== undefined };
}

/** The size in bytes. */
export function memoryBytes(value: string | number): number {
  const { amount, prefix, binary } = memorySize(value);
  const power = ' KMGTP'.indexOf(prefix || ' ');
  return Math.round(Number(amount) * (binary ? 1024 : 1000) ** power);
}
