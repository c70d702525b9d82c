/**
 * @module server/services
 * Wires the domain together from a resolved config: store, catalog, identity, runtime driver,
 * lifecycle and reconciler. The HTTP server and the tests both start from here.
 */
import { AccessKeyService } from '../core/identity/access-keys.js';
import type { Logger } from '../core/shared/logger.js';
import { AutoStopJob } from '../core/jobs/auto-stop.js';
import { BudgetEnforcementJob } from '../core/jobs/budget-enforcement.js';
import { RetentionJob } from '../core/jobs/retention.js';
import { ReservationJob } from '../core/jobs/reservation.js';
import { Scheduler } from '../core/jobs/scheduler.js';
import { watchStore } from '../core/changes/store-changes.js';
import { CommittedChanges } from '../core/changes/committed-changes.js';
import { ViewCounts } from '../core/capacity/view-counts.js';
import { QueueService } from '../core/instances/queue-service.js';
import { Catalog } from '../core/model/catalog.js';
import { BudgetService } from '../core/budgets/budget-service.js';
import { sizerOf } from '../core/model/flavor-size.js';
import { systemClock, type Clock } from '../core/shared/clock.js';
import { IdentityService } from '../core/identity/service.js';
import { IdentityWatch } from '../core/changes/identity-watch.js';
import { NotebookOpeners } from '../core/identity/notebook-openers.js';
import { NotebookAccessCache } from '../proxy/notebook-access-cache.js';
import { InstanceFeed } from '../core/changes/instance-feed.js';
import { NotebookLogs } from '../core/instances/notebook-log.js';
import { ResourceUsage } from '../core/instances/resource-usage.js';
import { InstanceShares } from '../core/instances/instance-shares.js';
import { InstanceTokens } from '../core/identity/instance-tokens.js';
import { LeaseKeeper } from '../core/replica/lease-keeper.js';
import { LifecycleService } from '../core/instances/lifecycle-service.js';
import { LoginThrottle } from '../core/identity/login-throttle.js';
import { Reconciler } from '../core/instances/reconciler.js';
import { RepositoryHosts } from '../core/instances/repository-hosts.js';
import { deriveKey, sealingBoxes, type SecretBox } from '../core/secrets/box.js';
import type { RuntimeDriver } from '../core/ports/runtime.js';
import type { Store } from '../core/ports/store.js';
import { isPostgresUrl, type Config } from './config.js';
import { loadOrCreateKey } from './key-file.js';
import { loadOrCreateReplicaId } from './replica-id.js';
import { LocalDriver } from '../runtime/local/local-driver.js';
import { SimulatedDriver } from '../runtime/simulated/simulated-driver.js';
import { openStore } from '../store/open-store.js';
import { Metrics } from './metrics.js';
import { WarmPool } from '../core/warm/warm-pool.js';

export interface Services {
  config: Config;
  /** This server process's id, written into history and audit entries. */
  replica: string;
  metrics: Metrics;
  clock: Clock;
  store: Store;
  catalog: Catalog;
  identity: IdentityService;
  accessKeys: AccessKeyService;
  lifecycle: LifecycleService;
  reconciler: Reconciler;
  /** The warm servers, where the driver keeps some (null otherwise). */
  warm: WarmPool | null;
  scheduler: Scheduler;
  queue: QueueService;
  viewCounts: ViewCounts;
  driver: RuntimeDriver;
  instanceTokens: InstanceTokens;
  /** Who an instance is shared with, and who may ask for its token. */
  instanceShares: InstanceShares;
  /** The notebook log extension (readers: those who may open the notebook). */
  notebookLogs: NotebookLogs;
  /** The resource-usage extension (readers: every member of the project). */
  resourceUsage: ResourceUsage;
  /** Budgets of projects and users: their status, and the refusal of a start on a spent one. */
  budgets: BudgetService;
  /** Who may open a notebook now; the proxy asks on every request it has no answer kept for. */
  notebookOpeners: NotebookOpeners;
  /** What the proxy's access check reads, kept until any of it changes on any replica. */
  notebookAccess: NotebookAccessCache;
  /** Reports identity changes to the proxy, which closes the WebSockets of users who lost access. */
  identityWatch: IdentityWatch;
  /** Each committed change of an instance, for whoever watches its project (the event stream). */
  instanceFeed: InstanceFeed;
  /** Holds the controller lease; its holder runs the reconciler and the auto-stopper. */
  controller: LeaseKeeper;
  /** Starts competing for the controller lease (a lone server wins it before this resolves). */
  start(): Promise<void>;
  /** Hands the lease back, stops background work, then closes the driver and the store. */
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  driver?: RuntimeDriver;
}

interface DriverNeeds {
  clock: Clock;
  /** What the driver stamps its resources outside the store with (see Store.installationId). */
  installationId: string;
  log: Logger;
  tokens: InstanceTokens;
  secrets: SecretBox;
}

async function createDriver(
  config: Config,
  { clock, installationId, log, tokens, secrets }: DriverNeeds,
): Promise<RuntimeDriver> {
  switch (config.runtime.driver) {
    case 'simulated':
      return new SimulatedDriver(clock, config.runtime.simulated);
    case 'local':
      return new LocalDriver({
        dataDir: config.dataDir,
        installationId,
        objectRoot: config.runtime.local.objectRoot,
        clock,
        log,
        secretFor: (instanceId, runId) => tokens.workloadToken(instanceId, runId),
        openSecret: (sealed) => secrets.open(sealed),
        stopTimeoutMs: config.runtime.local.stopTimeoutMs,
        command: config.runtime.local.jupyter,
        forkServer: config.runtime.local.forkServer,
        repositoryHosts: config.repositories,
        isolation: {
          mode: config.runtime.local.isolation,
          limits: config.runtime.local.limits,
          maxTasks: config.runtime.local.maxProcesses,
        },
        ...(config.runtime.local.gpus ? { gpus: config.runtime.local.gpus } : {}),
      });
    case 'kubernetes': {
      // Loaded only when chosen: the Kubernetes client and what it pulls in were a fifth of every
      // start-up's module loading, with any driver.
      const [{ KubernetesDriver }, { loadKubeConfig }] = await Promise.all([
        import('../runtime/kubernetes/kubernetes-driver.js'),
        import('../runtime/kubernetes/kube-config.js'),
      ]);
      const { kubeconfig, unschedulableMs, ...cluster } = config.runtime.kubernetes;
      return new KubernetesDriver({
        ...cluster,
        installationId,
        kubeConfig: loadKubeConfig(kubeconfig),
        unschedulableMs,
        clock,
        log,
        secretFor: (instanceId, runId) => tokens.workloadToken(instanceId, runId),
        // For the images of warm flavors to pre-pull; a cluster schedules GPUs itself (no host GPUs).
        catalog: new Catalog(config.catalog, null),
      });
    }
  }
}

/** How often the warm pool is re-planned when no change prompts it. */
const WARM_ROUND_MS = 5_000;

/** The lease whose holder runs the reconciler and the auto-stopper. */
export const CONTROLLER_LEASE = 'controller';

function masterKeyOf(config: Config): Buffer {
  if (!config.masterKey && isPostgresUrl(config.databaseUrl)) {
    throw new Error(
      'With PostgreSQL every replica must use the same master key: set DEMANAGER_MASTER_KEY (or masterKey in the ' +
        'config file) to the base64 of 32 random bytes, e.g. the output of `openssl rand -base64 32`.',
    );
  }
  return loadOrCreateKey(config.dataDir, config.masterKey);
}

/** How often open notebook WebSockets are checked against identity changes made elsewhere, when no scan interval is configured. */
const IDENTITY_SCAN_MS = 1_000;

export async function createServices(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const masterKey = masterKeyOf(config);
  const replica = config.coordination.replicaId ?? loadOrCreateReplicaId(config.dataDir);
  const stored = await openStore(config.databaseUrl, { usageSizes: sizerOf(config.catalog.flavors) });
  // Every change this process commits is published to `committed`; other replicas' changes reach
  // the feed by the same scan interval the controller uses for their requests.
  const committed = new CommittedChanges(log);
  const { store, changes } = watchStore(stored, (change) => committed.publish(change));
  const instanceFeed = new InstanceFeed(stored.instances, log, config.coordination.scanIntervalMs);
  committed.subscribe((change) => instanceFeed.publish(change));

  const { secrets, accessKeys: accessKeyBox } = sealingBoxes(masterKey);
  const instanceTokens = new InstanceTokens(
    deriveKey(masterKey, 'instance-token'),
    deriveKey(masterKey, 'workload-token'),
  );
  const driver =
    overrides.driver ??
    (await createDriver(config, {
      clock,
      installationId: await stored.installationId(),
      log,
      tokens: instanceTokens,
      secrets,
    }));
  const catalog = new Catalog(config.catalog, (await driver.hostGpus?.()) ?? null);
  const loginThrottle = new LoginThrottle(clock, {
    failuresPerUser: config.limits.loginFailuresPerUser,
    failuresPerAddress: config.limits.loginFailuresPerAddress,
    lockoutMs: config.limits.loginLockoutSeconds * 1000,
  });
  const identity = new IdentityService({
    store,
    clock,
    tokenTtlMs: config.tokenTtlSeconds * 1000,
    defaultDomain: config.bootstrap.domain,
    throttle: loginThrottle,
    changes: changes.identity,
  });
  const accessKeys = new AccessKeyService({ store, clock, box: accessKeyBox, changes: changes.identity });
  const reconciler = new Reconciler({
    store,
    driver,
    catalog,
    clock,
    log,
    replica,
    startTimeoutMs: config.runtime.startTimeoutMs,
    pollIntervalMs: config.runtime.pollIntervalSeconds * 1000,
    scanIntervalMs: config.coordination.scanIntervalMs,
    orphanIntervalMs: config.runtime.orphanIntervalMs,
  });
  const writer = { store, clock, log, replica };
  const warm = driver.warm
    ? new WarmPool({ runtime: driver.warm, store, catalog, log, intervalMs: WARM_ROUND_MS })
    : null;
  const asksWarm = catalog.data.flavors.filter((f) => f.warm > 0).map((f) => f.name);
  if (!warm && asksWarm.length > 0)
    log.warn({ flavors: asksWarm, driver: driver.name }, 'this runtime keeps no warm servers: `warm` is ignored');
  const budgets = new BudgetService(store, clock);
  const queue = new QueueService({ ...writer, catalog, trigger: reconciler, budgets });
  const budgetEnforcement = new BudgetEnforcementJob({ ...writer, budgets, trigger: reconciler, queue });
  const scheduler = new Scheduler({
    clock,
    log,
    jobs: [
      new AutoStopJob({ ...writer, trigger: reconciler }),
      new RetentionJob({ ...writer, catalog, trigger: reconciler }),
      new ReservationJob({ ...writer, catalog, queue }),
      budgetEnforcement,
    ],
    refreshMs: config.coordination.scanIntervalMs,
  });
  const lifecycle = new LifecycleService({
    ...writer,
    catalog,
    trigger: reconciler,
    secrets,
    quotas: config.quotas,
    queue,
    repositoryHosts: new RepositoryHosts(config.repositories),
    budgets,
    warm,
  });
  const instanceShares = new InstanceShares({ store, clock, lifecycle });
  const metrics = new Metrics(store, clock);
  scheduler.onLag = (ms) => metrics.schedulerLag(ms);
  committed.subscribe((change) => scheduler.noticeChange(change));
  // A budget's moments move when a rate or a budget changes: the scheduler then looks afresh.
  committed.subscribe((change) => {
    if (budgetEnforcement.concerns(change)) scheduler.notice(clock.now());
  });
  // A raised or removed budget may free the instances it held in a line (on the controller).
  budgets.onChange(() => {
    scheduler.notice(clock.now());
    void queue.admitEveryLater();
  });
  committed.subscribe((change) => metrics.noticeChange(change, clock.now()));
  committed.subscribe((change) => queue.noticeChange(change));
  if (warm) committed.subscribe((change) => warm.noticeChange(change));
  // Lease time is real time even when the domain clock is a test's: it measures process liveness.
  const controller = new LeaseKeeper(
    store.leases,
    systemClock,
    log,
    {
      name: CONTROLLER_LEASE,
      holder: replica,
      ttlMs: config.coordination.leaseTtlMs,
      renewMs: config.coordination.leaseRenewMs,
    },
    {
      async acquired() {
        await reconciler.start();
        await scheduler.start();
        await queue.start();
        await warm?.start();
      },
      async lost() {
        await warm?.stop();
        warm?.follow();
        scheduler.close();
        await queue.stop();
        await reconciler.stop();
      },
    },
  );
  // Another process's write of users, roles or shares reaches this one's caches and its identity
  // watch (which closes the WebSockets of users who lost access) as one of its own would: at once
  // where the store hears of it (PostgreSQL's notifications), else at the watch's next scan.
  const stopForeign = await stored.foreignWrites.listen((write) => {
    if (write.kind !== 'instance') changes.identity.bump();
  });
  const notebookOpeners = new NotebookOpeners(store);
  const notebookAccess = new NotebookAccessCache({
    store,
    openers: notebookOpeners,
    tokens: instanceTokens,
    committed,
    identityWrites: changes.identity,
  });
  await notebookAccess.start();
  // Real time even under a test's clock, as for the caches: the scan bounds how late another
  // replica's change closes a socket here. SQLite has no other replica, but another process may
  // still write to the same file.
  const identityWatch = new IdentityWatch({
    store,
    clock: systemClock,
    scanMs: config.coordination.scanIntervalMs || IDENTITY_SCAN_MS,
    localWrites: changes.identity,
    log,
  });
  return {
    config,
    replica,
    metrics,
    clock,
    store,
    catalog,
    identity,
    accessKeys,
    lifecycle,
    reconciler,
    warm,
    scheduler,
    queue,
    viewCounts: new ViewCounts(store, changes.instances),
    controller,
    driver,
    instanceTokens,
    instanceShares,
    notebookLogs: new NotebookLogs({ driver, catalog, shares: instanceShares, log }),
    budgets,
    resourceUsage: new ResourceUsage({ driver, catalog, lifecycle, clock, log }),
    notebookOpeners,
    notebookAccess,
    identityWatch,
    instanceFeed,
    start: () => {
      // Until (unless) this replica takes the lead, it hands out the warm servers the leader keeps.
      warm?.follow();
      return controller.start();
    },
    async close() {
      instanceFeed.close();
      notebookAccess.close();
      stopForeign();
      await identityWatch.close();
      await controller.close();
      await warm?.stop();
      scheduler.close();
      await reconciler.close();
      await driver.close?.();
      await store.close();
    },
  };
}
