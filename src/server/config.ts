/**
 * @module server/config
 * User-facing options (a JSON file and `DEMANAGER_*` environment variables, every field optional)
 * resolved once into a complete, typed {@link Config}. Nothing else reads the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Quotas } from '../core/capacity/admission.js';
import type { CatalogData } from '../core/model/catalog.js';
import { resolveCatalog, type CatalogOptions } from '../core/model/builtin-catalog.js';
import { parseAllowedHost, type RepositoryHostPolicy } from '../core/instances/repository-hosts.js';
import { PAUSE_IMAGE } from '../runtime/kubernetes/image-prepull.js';
import type { KubeConfigSource } from '../runtime/kubernetes/kube-config.js';
import { notebookIdOfHost, parseNotebookHost, type NotebookHostPattern } from '../proxy/notebook-hosts.js';

export interface SimulatedRuntimeOptions {
  /** Milliseconds each phase takes. Defaults: prepare 2000, start 3000, stop 1500, remove 500 (slow enough to watch). */
  delays?: Partial<Record<'prepare' | 'start' | 'stop' | 'remove', number>>;
  /** Regular expressions on the instance name; a match makes that phase fail (emulation, tests). */
  failOn?: Partial<Record<'prepare' | 'start', string>>;
}

export type RuntimeDriverName = 'local' | 'simulated' | 'kubernetes';

export interface LocalRuntimeOptions {
  /** Where `obs` (and `efs`/`obsfs`) storage paths live: `/bucket/dir/` → `<objectRoot>/bucket/dir/`. Default `<dataDir>/obs`. */
  objectRoot?: string;
  /** SIGTERM, then SIGKILL after this long. Default 10. */
  stopTimeoutSeconds?: number;
  /** The Jupyter launcher, a name on PATH or a path. Default `jupyter`. */
  jupyter?: string;
  /**
   * `users` (the default when the service runs as root): each user's notebooks run as an OS
   * account of their own (`dm-<id>`), with their project's group, unable to read the service's
   * files or other users'. `none` (the default otherwise): notebooks run with the service's own
   * rights — for one person on their own machine only.
   */
  isolation?: 'users' | 'none';
  /**
   * `enforced` (the default as root): a notebook runs in a control group with its flavor's CPU and
   * memory, and a flavor with limits is refused where control groups cannot be used.
   * `best-effort` (the default otherwise): such a flavor starts unlimited, and says so.
   */
  limits?: 'enforced' | 'best-effort';
  /** Processes and threads one notebook may run at once. Default 4096. */
  maxProcesses?: number;
  /**
   * Start notebooks by forking a Python that has already imported Jupyter (about 0.2 s instead of
   * a whole Jupyter start). Default `true`; `false` starts each the ordinary way.
   */
  forkServer?: boolean;
  /**
   * The host's GPUs to share out among GPU flavors' notebooks, each `{ "uuid": "GPU-…", "name"?: … }`;
   * `[]`: none. Default: what `nvidia-smi` reports; without it GPU flavors start without a GPU.
   */
  gpus?: { uuid: string; name?: string }[];
}

export interface KubernetesRuntimeOptions {
  /** Where instances' Pods, Services, Secrets and claims live. Default: the service account's namespace in a cluster, else `default`. */
  namespace?: string;
  /** A kubeconfig file. Default: the in-cluster service account when `KUBERNETES_SERVICE_HOST` is set, else `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfig?: string;
  /** Prefix of every image: `<registry>/<namespace>/<image_name>:<image_tag>`. Default none (the cluster's default registry). */
  registry?: string;
  /** Storage class of `evs` claims. Default: the cluster's default class. */
  storageClass?: string;
  /** A Kubernetes volume source (`{"persistentVolumeClaim": {"claimName": "obs"}}`, `{"csi": …}`) holding `obs` storage. Default none: `obs` instances fail to start. */
  obsVolume?: Record<string, unknown>;
  /** Default `cluster.local`. */
  clusterDomain?: string;
  /** The port the notebook server listens on inside its Pod. Default 8888. */
  notebookPort?: number;
  /** Secrets (names, in `namespace`) for pulling images. Default none. */
  imagePullSecrets?: string[];
  /** How long a Pod may wait for a node with room before the start fails with 6360 (or the instance is queued again). Default 60. */
  unschedulableSeconds?: number;
  /** The image warm profiles' pre-pull Pods idle in once their image is pulled. Default `registry.k8s.io/pause:3.10`. */
  pauseImage?: string;
}

export interface LimitsOptions {
  /** API requests a minute per caller: a token, an access key, or (unauthenticated) an address. Default 6000 (100 a second). */
  requestsPerMinute?: number;
  /** API requests a minute from one client address, authenticated or not. Default 12000. */
  requestsPerMinutePerAddress?: number;
  /** Failed password logins for one user name before it is locked. Default 5. */
  loginFailuresPerUser?: number;
  /** Failed password logins from one address before it is locked. Default 20. */
  loginFailuresPerAddress?: number;
  /** How long a lockout lasts, and how long a failure is remembered. Default 900 (15 minutes). */
  loginLockoutSeconds?: number;
  /** Largest request body in bytes; larger ones are answered 413 ModelArts.0413. Default 1048576 (1 MiB). */
  bodyLimitBytes?: number;
  /** The notebook proxy's bound on connecting to a workload (seconds; 504 after it). Default 5. */
  workloadConnectSeconds?: number;
  /** The proxy's bound from a request to the workload's answer headers (seconds; 504). Default 120. */
  workloadAnswerSeconds?: number;
  /** The proxy's bound on silence within a workload's answer body (seconds). Default 300. */
  workloadIdleSeconds?: number;
  /** Instance change streams (`…/instance-changes`) one user may hold open at once; more get 429. Default 8. */
  eventStreamsPerUser?: number;
  /** Longest silence on an instance change stream before a keep-alive comment (seconds). Default 15. */
  eventKeepAliveSeconds?: number;
  /**
   * How old an event id a reconnecting change stream may resume from (seconds); an older one gets
   * a `reset`. Default 86400 (a day).
   */
  eventReplaySeconds?: number;
}

export interface ConfigOptions {
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Listen port. Default 8080; 0 picks a free one. */
  port?: number;
  /** Public base URL of this server (token catalog, notebook URLs). Default `http://{host}:{port}`. */
  publicUrl?: string;
  /**
   * A host name per notebook, `{id}` standing for the instance id: `{id}.nb.example.com`, optionally
   * with `:port` (default: the public URL's). Notebooks are then served only on their own hosts and
   * the API and console only on the others. Default none: every notebook shares the API's origin.
   */
  notebookHost?: string;
  /** Directory for the SQLite file and instance data. Default `./data`. */
  dataDir?: string;
  /** `sqlite:<file>` (default `sqlite:<dataDir>/demanager.db`). */
  databaseUrl?: string;
  /** Region name reported in the token catalog. Default `local`. */
  region?: string;
  /** Token lifetime in seconds. Default 86400. */
  tokenTtlSeconds?: number;
  bootstrap?: {
    /** Default `admin`. */
    adminUser?: string;
    /** Default: generated and printed once on first start. */
    adminPassword?: string;
    /** Default `default`. */
    project?: string;
    /** Default `default`. */
    domain?: string;
  };
  runtime?: {
    /** `local` (default): each instance is a Jupyter server process here; `kubernetes`: a Pod on a cluster; `simulated`: nothing runs. */
    driver?: RuntimeDriverName;
    local?: LocalRuntimeOptions;
    kubernetes?: KubernetesRuntimeOptions;
    simulated?: SimulatedRuntimeOptions;
    /** Seconds between liveness polls of running workloads. Default 5. */
    pollIntervalSeconds?: number;
    /** A start that takes longer fails. Default 300. */
    startTimeoutSeconds?: number;
    /**
     * Seconds between two collections of orphans: notebooks and instance storage whose instance
     * the store no longer holds (deleted while the service was down). The lease holder also
     * collects them when it takes the lead. 0 turns collection off. Default 600.
     */
    orphanIntervalSeconds?: number;
  };
  /**
   * The master key (base64 of 32 bytes) that seals stored secrets and signs instance tokens.
   * Default: generated once into `<dataDir>/master.key`. Required with PostgreSQL, where every
   * replica must use the same key.
   */
  masterKey?: string;
  /** How replicas share the work that must happen once. */
  coordination?: {
    /** This server's name in leases and events. Default: generated once into `<dataDir>/replica-id`. */
    replicaId?: string;
    /** A replica that stops renewing loses its leases after this long. Default 10. */
    leaseTtlSeconds?: number;
    /** How often leases are renewed. Default 3. */
    leaseRenewSeconds?: number;
    /** How often the lease holder looks for transitions recorded by other replicas. Default 1000 ms with PostgreSQL, off with SQLite. */
    scanIntervalMs?: number;
  };
  /** Instance quotas; 0 means no limit. A user over quota gets 6302, a project 0113. */
  quotas?: { instancesPerUser?: number; instancesPerProject?: number };
  /** Request rates and login lockout (counted in memory by each replica; 0 turns one off), body size. */
  limits?: LimitsOptions;
  /** Which hosts instances may clone repositories from (the addresses their names resolve to). */
  repositories?: {
    /**
     * Host names and CIDRs always allowed, for internal git servers (`git.corp.example`,
     * `10.20.0.0/16`, `127.0.0.1`). Default none.
     */
    allowedHosts?: string[];
    /**
     * `refuse` (default): hosts on private addresses (10/8, 172.16/12, 192.168/16, 100.64/10,
     * fc00::/7) are refused like this machine's and link-local ones; `allow` lets them through.
     */
    privateAddresses?: 'allow' | 'refuse';
  };
  /** Replaces parts of the built-in catalog: each list given replaces the built-in one. */
  catalog?: CatalogOptions;
  /** `/metrics` for system admins and the per-request timing behind it. Default enabled. */
  metrics?: { enabled?: boolean };
  /**
   * Which reverse proxies' `X-Forwarded-For`/`-Proto`/`-Host` to believe, as Fastify takes it:
   * `true` (any), a hop count, or addresses/CIDRs. Default `false`: behind an ingress, every
   * client would otherwise share the ingress's address (rate limits, audit) and a TLS-terminated
   * request would look like plain HTTP (the notebook cookie's `Secure`).
   */
  trustProxy?: boolean | number | string | string[];
  /** Default `info`. */
  logLevel?: string;
}

export interface KubernetesRuntimeConfig {
  namespace: string;
  kubeconfig: KubeConfigSource;
  /** Without a trailing slash; empty for none. */
  registry: string;
  storageClass: string | null;
  obsVolume: Record<string, unknown> | null;
  clusterDomain: string;
  notebookPort: number;
  imagePullSecrets: string[];
  unschedulableMs: number;
  pauseImage: string;
}

/** What the config reads of the machine it runs on, apart from the options (tests replace it). */
export interface ConfigHost {
  env: NodeJS.ProcessEnv;
  /** The service account's namespace file of a Pod. */
  namespaceFile: string;
}

const PROCESS_HOST: ConfigHost = {
  env: process.env,
  namespaceFile: '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
};

export interface Config {
  host: string;
  port: number;
  publicUrl: string | null;
  notebookHost: NotebookHostPattern | null;
  dataDir: string;
  databaseUrl: string;
  region: string;
  tokenTtlSeconds: number;
  bootstrap: { adminUser: string; adminPassword: string | null; project: string; domain: string };
  runtime: {
    driver: RuntimeDriverName;
    local: {
      objectRoot: string;
      stopTimeoutMs: number;
      jupyter: string;
      /** Unset: the driver's default for how the service runs (root or not). */
      isolation: 'users' | 'none' | undefined;
      limits: 'enforced' | 'best-effort' | undefined;
      maxProcesses: number;
      forkServer: boolean;
      /** Unset: ask nvidia-smi. */
      gpus: { uuid: string; name?: string }[] | undefined;
    };
    kubernetes: KubernetesRuntimeConfig;
    simulated: {
      delays: Record<'prepare' | 'start' | 'stop' | 'remove', number>;
      failOn: Partial<Record<'prepare' | 'start', string>>;
    };
    pollIntervalSeconds: number;
    startTimeoutMs: number;
    orphanIntervalMs: number;
  };
  catalog: CatalogData;
  logLevel: string;
  masterKey: string | null;
  quotas: Quotas;
  limits: Required<LimitsOptions>;
  repositories: RepositoryHostPolicy;
  coordination: { replicaId: string | null; leaseTtlMs: number; leaseRenewMs: number; scanIntervalMs: number };
  metrics: { enabled: boolean };
  trustProxy: boolean | number | string | string[];
}

function resolveLocal(local: LocalRuntimeOptions, dataDir: string): Config['runtime']['local'] {
  const oneOf = <T extends string>(key: string, value: T | undefined, allowed: readonly T[]): T | undefined => {
    if (value !== undefined && !allowed.includes(value))
      throw new Error(
        `runtime.local.${key} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${JSON.stringify(value)}`,
      );
    return value;
  };
  const maxProcesses = local.maxProcesses ?? 4096;
  if (!Number.isInteger(maxProcesses) || maxProcesses < 16)
    throw new Error(
      `runtime.local.maxProcesses must be a whole number of at least 16, got ${JSON.stringify(maxProcesses)}`,
    );
  if (local.forkServer !== undefined && typeof local.forkServer !== 'boolean')
    throw new Error(`runtime.local.forkServer must be true or false, got ${JSON.stringify(local.forkServer)}`);
  return {
    objectRoot: resolve(local.objectRoot ?? resolve(dataDir, 'obs')),
    stopTimeoutMs: (local.stopTimeoutSeconds ?? 10) * 1000,
    jupyter: local.jupyter ?? 'jupyter',
    isolation: oneOf('isolation', local.isolation, ['users', 'none']),
    limits: oneOf('limits', local.limits, ['enforced', 'best-effort']),
    maxProcesses,
    forkServer: local.forkServer ?? true,
    gpus: resolveGpus(local.gpus),
  };
}

function resolveGpus(gpus: unknown): { uuid: string; name?: string }[] | undefined {
  if (gpus === undefined) return undefined;
  const valid = (gpu: unknown): gpu is { uuid: string; name?: string } => {
    const { uuid, name } = (gpu ?? {}) as Record<string, unknown>;
    return (
      typeof uuid === 'string' &&
      /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(uuid) &&
      (name === undefined || typeof name === 'string')
    );
  };
  if (!Array.isArray(gpus) || !gpus.every(valid) || new Set(gpus.map((g) => g.uuid)).size !== gpus.length) {
    throw new Error(
      `runtime.local.gpus must be a list of distinct GPUs such as [{"uuid": "GPU-…", "name": "…"}], got ${JSON.stringify(gpus)}`,
    );
  }
  return gpus.map(({ uuid, name }) => (name === undefined ? { uuid } : { uuid, name }));
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Fills every field of `options` with its default. */
export function resolveConfig(options: ConfigOptions = {}, host: ConfigHost = PROCESS_HOST): Config {
  const dataDir = resolve(options.dataDir ?? './data');
  const databaseUrl = options.databaseUrl ?? `sqlite:${resolve(dataDir, 'demanager.db')}`;
  const coordination = options.coordination ?? {};
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    publicUrl: options.publicUrl ?? null,
    notebookHost: resolveNotebookHost(options.notebookHost, options.publicUrl),
    dataDir,
    databaseUrl,
    region: options.region ?? 'local',
    tokenTtlSeconds: options.tokenTtlSeconds ?? 86_400,
    bootstrap: {
      adminUser: options.bootstrap?.adminUser ?? 'admin',
      adminPassword: options.bootstrap?.adminPassword ?? null,
      project: options.bootstrap?.project ?? 'default',
      domain: options.bootstrap?.domain ?? 'default',
    },
    runtime: {
      driver: options.runtime?.driver ?? 'local',
      local: resolveLocal(options.runtime?.local ?? {}, dataDir),
      kubernetes: resolveKubernetes(options.runtime?.kubernetes ?? {}, host),
      simulated: {
        delays: { prepare: 2000, start: 3000, stop: 1500, remove: 500, ...options.runtime?.simulated?.delays },
        failOn: { ...options.runtime?.simulated?.failOn },
      },
      pollIntervalSeconds: options.runtime?.pollIntervalSeconds ?? 5,
      startTimeoutMs: (options.runtime?.startTimeoutSeconds ?? 300) * 1000,
      orphanIntervalMs: (options.runtime?.orphanIntervalSeconds ?? 600) * 1000,
    },
    catalog: resolveCatalog(options.catalog),
    logLevel: options.logLevel ?? 'info',
    masterKey: options.masterKey ?? null,
    quotas: {
      instancesPerUser: options.quotas?.instancesPerUser ?? 0,
      instancesPerProject: options.quotas?.instancesPerProject ?? 0,
    },
    limits: {
      requestsPerMinute: options.limits?.requestsPerMinute ?? 6000,
      requestsPerMinutePerAddress: options.limits?.requestsPerMinutePerAddress ?? 12_000,
      loginFailuresPerUser: options.limits?.loginFailuresPerUser ?? 5,
      loginFailuresPerAddress: options.limits?.loginFailuresPerAddress ?? 20,
      loginLockoutSeconds: options.limits?.loginLockoutSeconds ?? 900,
      bodyLimitBytes: options.limits?.bodyLimitBytes ?? 1024 * 1024,
      workloadConnectSeconds: options.limits?.workloadConnectSeconds ?? 5,
      workloadAnswerSeconds: options.limits?.workloadAnswerSeconds ?? 120,
      workloadIdleSeconds: options.limits?.workloadIdleSeconds ?? 300,
      eventStreamsPerUser: options.limits?.eventStreamsPerUser ?? 8,
      eventKeepAliveSeconds: options.limits?.eventKeepAliveSeconds ?? 15,
      eventReplaySeconds: options.limits?.eventReplaySeconds ?? 86_400,
    },
    repositories: resolveRepositories(options.repositories ?? {}),
    coordination: {
      replicaId: coordination.replicaId ?? null,
      leaseTtlMs: (coordination.leaseTtlSeconds ?? 10) * 1000,
      leaseRenewMs: (coordination.leaseRenewSeconds ?? 3) * 1000,
      scanIntervalMs: coordination.scanIntervalMs ?? (isPostgresUrl(databaseUrl) ? 1000 : 0),
    },
    metrics: { enabled: options.metrics?.enabled ?? true },
    trustProxy: checkTrustProxy(options.trustProxy ?? false),
  };
}

/** The pattern, which must leave the public URL's host to the API and the console. */
function resolveNotebookHost(pattern: unknown, publicUrl: string | undefined): NotebookHostPattern | null {
  if (pattern === undefined || pattern === null || pattern === '') return null;
  const parsed = parseNotebookHost(pattern);
  const main = publicUrl ? URL.parse(publicUrl)?.hostname : undefined;
  if (main && notebookIdOfHost(parsed, main) !== null)
    throw new Error(
      `notebookHost ${JSON.stringify(pattern)} takes in publicUrl's own host ${main}, where the API and the console must stay: choose a pattern under another name, such as "{id}.nb.${main}"`,
    );
  return parsed;
}

function resolveRepositories(options: NonNullable<ConfigOptions['repositories']>): RepositoryHostPolicy {
  const allowedHosts = options.allowedHosts ?? [];
  if (
    !Array.isArray(allowedHosts) ||
    !allowedHosts.every((entry) => typeof entry === 'string' && parseAllowedHost(entry) !== undefined)
  ) {
    throw new Error(
      `repositories.allowedHosts must be a list of host names, addresses and CIDRs, got ${JSON.stringify(allowedHosts)}`,
    );
  }
  const privateAddresses = options.privateAddresses ?? 'refuse';
  if (privateAddresses !== 'allow' && privateAddresses !== 'refuse') {
    throw new Error(
      `repositories.privateAddresses must be "allow" or "refuse", got ${JSON.stringify(privateAddresses)}`,
    );
  }
  return { allowedHosts, privateAddresses };
}

/** Refuses what Fastify would take for something else (a bare `"true"`, a negative hop count). */
function checkTrustProxy(value: unknown): Config['trustProxy'] {
  const ok =
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (typeof value === 'string' && value !== '' && !/^(true|false)$/i.test(value)) ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== ''));
  if (!ok)
    throw new Error(`trustProxy must be true/false, a hop count or proxy addresses, got ${JSON.stringify(value)}`);
  return value as Config['trustProxy'];
}

/** A DNS-1123 label: what Kubernetes accepts as a namespace or Secret name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function resolveKubernetes(options: KubernetesRuntimeOptions, host: ConfigHost): KubernetesRuntimeConfig {
  const where = 'runtime.kubernetes';
  const inCluster = Boolean(host.env.KUBERNETES_SERVICE_HOST);
  const namespace =
    options.namespace ??
    (inCluster && existsSync(host.namespaceFile) ? readFileSync(host.namespaceFile, 'utf8').trim() : 'default');
  if (!DNS_LABEL.test(namespace))
    throw new Error(`${where}.namespace must be a Kubernetes namespace name, got ${JSON.stringify(namespace)}`);
  const port = options.notebookPort ?? 8888;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${where}.notebookPort must be a port number, got ${port}`);
  const unschedulable = options.unschedulableSeconds ?? 60;
  if (!(unschedulable >= 0))
    throw new Error(`${where}.unschedulableSeconds must be a number of seconds, got ${unschedulable}`);
  const domain = options.clusterDomain ?? 'cluster.local';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(domain))
    throw new Error(`${where}.clusterDomain must be a domain name, got ${JSON.stringify(domain)}`);
  const pullSecrets = options.imagePullSecrets ?? [];
  if (!Array.isArray(pullSecrets) || !pullSecrets.every((name) => typeof name === 'string' && DNS_LABEL.test(name))) {
    throw new Error(`${where}.imagePullSecrets must be a list of Secret names, got ${JSON.stringify(pullSecrets)}`);
  }
  const pauseImage = options.pauseImage ?? PAUSE_IMAGE;
  if (typeof pauseImage !== 'string' || !/^[^\s]+$/.test(pauseImage))
    throw new Error(`${where}.pauseImage must be an image reference, got ${JSON.stringify(pauseImage)}`);
  const obsVolume = options.obsVolume ?? null;
  // One source, no name: the driver names the volume itself.
  if (
    obsVolume !== null &&
    (typeof obsVolume !== 'object' ||
      Array.isArray(obsVolume) ||
      'name' in obsVolume ||
      Object.keys(obsVolume).length !== 1)
  ) {
    throw new Error(
      `${where}.obsVolume must be one Kubernetes volume source such as {"persistentVolumeClaim": {"claimName": "obs"}}, got ${JSON.stringify(obsVolume)}`,
    );
  }
  return {
    namespace,
    kubeconfig: options.kubeconfig
      ? { from: 'file', path: resolve(options.kubeconfig) }
      : inCluster
        ? { from: 'in-cluster' }
        : { from: 'default' },
    registry: (options.registry ?? '').replace(/\/+$/, ''),
    storageClass: options.storageClass ?? null,
    obsVolume,
    clusterDomain: domain,
    notebookPort: port,
    imagePullSecrets: pullSecrets,
    unschedulableMs: unschedulable * 1000,
    pauseImage,
  };
}

const ENV_KEYS = {
  DEMANAGER_HOST: 'host',
  DEMANAGER_PORT: 'port',
  DEMANAGER_PUBLIC_URL: 'publicUrl',
  DEMANAGER_NOTEBOOK_HOST: 'notebookHost',
  DEMANAGER_DATA_DIR: 'dataDir',
  DEMANAGER_DATABASE_URL: 'databaseUrl',
  DEMANAGER_LOG_LEVEL: 'logLevel',
  DEMANAGER_MASTER_KEY: 'masterKey',
} as const;

/** Reads the config file (if any) and the environment; the environment wins. */
export function loadConfigOptions(env: NodeJS.ProcessEnv = process.env, file = env.DEMANAGER_CONFIG): ConfigOptions {
  const options: ConfigOptions = file ? (JSON.parse(readFileSync(file, 'utf8')) as ConfigOptions) : {};
  for (const [key, field] of Object.entries(ENV_KEYS)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if (field === 'port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`${key} must be a port number, got ${value}`);
      options.port = port;
    } else {
      options[field] = value;
    }
  }
  if (env.DEMANAGER_ADMIN_PASSWORD)
    options.bootstrap = { ...options.bootstrap, adminPassword: env.DEMANAGER_ADMIN_PASSWORD };
  return options;
}
