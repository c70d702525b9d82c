/**
 * @module core/instances/resource-usage
 * What a running notebook uses now (a demanager extension): CPU cores and memory against its
 * flavor's limits, where the runtime can measure them (the local runtime reads the notebook's
 * control group). Everywhere else — no control groups, the Kubernetes and simulated runtimes, an
 * instance that is not running — the answer says "not available", never a made-up number. The
 * figures are of the instance's detail, so every member of its project may read them.
 */
import type { Catalog } from '../model/catalog.js';
import type { RuntimeDriver, WorkloadUsage } from '../ports/runtime.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Actor, LifecycleService } from './lifecycle-service.js';

export interface ResourceUsageReading extends WorkloadUsage {
  available: boolean;
  /** When it was measured (epoch ms). */
  at: number;
}

const UNKNOWN: WorkloadUsage = { cpuCores: null, cpuLimitCores: null, memoryBytes: null, memoryLimitBytes: null };

export interface ResourceUsageOptions {
  driver: Pick<RuntimeDriver, 'usage'>;
  catalog: Catalog;
  lifecycle: Pick<LifecycleService, 'get'>;
  clock: Clock;
  log: Logger;
}

export class ResourceUsage {
  readonly #options: ResourceUsageOptions;

  constructor(options: ResourceUsageOptions) {
    this.#options = options;
  }

  async read(actor: Actor, instanceId: string): Promise<ResourceUsageReading> {
    const { driver, catalog, lifecycle, clock, log } = this.#options;
    const instance = await lifecycle.get(actor, instanceId);
    const profile = catalog.profile(instance.profileId);
    const flavor = catalog.flavor(instance.flavor);
    let usage: WorkloadUsage | null = null;
    if (instance.status === 'RUNNING' && driver.usage && profile && flavor) {
      // A failed measurement is no failure of the request: the figures are just not known.
      usage = await driver.usage({ instance, profile, flavor }).catch((err: unknown) => {
        log.warn({ err, instance: instanceId }, 'measuring the notebook’s resource use failed');
        return null;
      });
    }
    return { ...(usage ?? UNKNOWN), available: usage !== null, at: clock.now() };
  }
}
