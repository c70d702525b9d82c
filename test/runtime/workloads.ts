/**
 * @module test/runtime/workloads
 * Workloads as the reconciler hands them to a driver, and waiting on a condition: what every
 * driver's tests need, whichever driver it is.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import type { InstanceSpec, RuntimeState } from '../../src/core/model/instance.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { makeSparseInstance } from '../store/fixtures.js';

/** A workload of a new instance (evs storage, no auto-stop) on the first built-in profile and flavor. */
export function makeWorkload(spec: Partial<InstanceSpec> = {}, runtime: RuntimeState | null = null): Workload {
  const profile = BUILTIN_CATALOG.profiles[0]!;
  const flavor = BUILTIN_CATALOG.flavors[0]!;
  const now = Date.now();
  const base = makeSparseInstance({
    id: `DE-${randomUUID()}`,
    status: 'STARTING',
    profileId: profile.id,
    flavor: flavor.name,
    runtime,
    intent: { kind: 'create', at: now, by: 'u1' },
    createdAt: now,
    updatedAt: now,
  });
  const instance = {
    ...base,
    spec: {
      ...base.spec,
      storage: { type: 'evs' as const, location: { volume_size: 5 } },
      auto_stop: { enable: false, duration: 3600, prompt: false },
      ...spec,
    },
  };
  return { profile, flavor, instance };
}

/** The same workload as the reconciler would pass it after recording `runtime`. */
export function withRuntime(workload: Workload, runtime: RuntimeState | null): Workload {
  return { ...workload, instance: { ...workload.instance, runtime } };
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
