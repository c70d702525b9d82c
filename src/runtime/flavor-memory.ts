/**
 * @module runtime/flavor-memory
 * A flavor's `memory` as people write it (`8GiB`, `512MB`, `1.5G`, a bare number of bytes), read
 * once for every driver: the Kubernetes driver writes it back as a quantity, the local one as a
 * control group's byte limit.
 */
import { bytesOf, readMemorySize, type MemorySize } from '../core/model/flavor-size.js';
import { WorkloadError } from '../core/ports/runtime.js';

export type { MemorySize };

export function memorySize(value: string | number): MemorySize {
  const size = readMemorySize(value);
  if (size === undefined)
    throw new WorkloadError(
      `The flavor's memory ${JSON.stringify(value)} is not a size such as 8GiB.`,
      'ModelArts.6361',
      { phase: 'start' },
    );
  return size;
}

/** The size in bytes. */
export function memoryBytes(value: string | number): number {
  return bytesOf(memorySize(value));
}
