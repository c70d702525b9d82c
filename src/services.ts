/**
 * @module services
 * Wires the domain together from a resolved config: store, catalog, identity, runtime driver,
 * lifecycle and reconciler. The HTTP server and the tests both start from here.
 */
import type { Logger } from './core/logger.js';
import { AutoStopper } from './core/auto-stopper.js';
import { Catalog } from './core/catalog.js';
import { systemClock, type Clock } from './core/clock.js';
import { IdentityService } from './core/identity-service.js';
import { InstanceTokens } from './core/instance-tokens.js';
import { LifecycleService } from './core/lifecycle-service.js';
import { Reconciler } from './core/reconciler.js';
import { deriveKey, SecretBox } from './core/secret-box.js';
import type { RuntimeDriver } from './core/runtime.js';
import type { Store } from './core/store.js';
import type { Config } from './config.js';
import { loadOrCreateKey } from './key-file.js';
import { SimulatedDriver } from './runtime/simulated/simulated-driver.js';
import { openStore } from './store/open-store.js';

export interface Services {
  config: Config;
  clock: Clock;
  store: Store;
  catalog: Catalog;
  identity: IdentityService;
  lifecycle: LifecycleService;
  reconciler: Reconciler;
  autoStopper: AutoStopper;
  driver: RuntimeDriver;
  instanceTokens: InstanceTokens;
  /** Stops background work, then closes the driver and the store. */
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  driver?: RuntimeDriver;
}

function createDriver(config: Config, clock: Clock): RuntimeDriver {
  switch (config.runtime.driver) {
    case 'simulated':
      return new SimulatedDriver(clock, config.runtime.simulated);
  }
}

export async function createServices(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const store = await openStore(config.databaseUrl);
  const catalog = new Catalog(config.catalog);
  const driver = overrides.driver ?? createDriver(config, clock);
  const identity = new IdentityService(store, clock, config.tokenTtlSeconds * 1000, config.bootstrap.domain);
  const reconciler = new Reconciler(store, driver, catalog, clock, log, {
    startTimeoutMs: 5 * 60_000,
    pollIntervalMs: config.runtime.pollIntervalSeconds * 1000,
  });
  const autoStopper = new AutoStopper(store, clock, reconciler, log);
  reconciler.onRunning = (instance) => autoStopper.notice(instance.stopAt);
  const masterKey = loadOrCreateKey(config.dataDir);
  const lifecycle = new LifecycleService(store, catalog, clock, reconciler, new SecretBox(deriveKey(masterKey, 'secret-box')));
  const instanceTokens = new InstanceTokens(deriveKey(masterKey, 'instance-token'));
  return {
    config,
    clock,
    store,
    catalog,
    identity,
    lifecycle,
    reconciler,
    autoStopper,
    driver,
    instanceTokens,
    async close() {
      autoStopper.close();
      await reconciler.close();
      await driver.close?.();
      await store.close();
    },
  };
}
