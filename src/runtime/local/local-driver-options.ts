/**
 * @module runtime/local/local-driver-options
 * The local driver's settings and their defaults.
 */
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/shared/clock.js';
import { silentLogger, type Logger } from '../../core/shared/logger.js';
import { DEFAULT_REPOSITORY_HOST_POLICY, type RepositoryHostPolicy } from '../../core/instances/repository-hosts.js';
import type { ConfiguredGpu } from './gpus/gpu-inventory.js';
import { isRoot, type IsolationSettings } from './isolation/workload-isolation.js';

export interface LocalDriverOptions {
  /** Instance private directories go to `<dataDir>/instances/<id>/`. Required. */
  dataDir: string;
  /** Root of the emulated object storage (obs, efs, obsfs paths). Default `<dataDir>/obs`. */
  objectRoot?: string;
  /** Stamps `startedAt` and log notes. Default the system clock. */
  clock?: Clock;
  /** Default: silent. */
  log?: Logger;
  /** The workload's private Jupyter token for a run. Required; the driver stores only the run id. */
  secretFor: (instanceId: string, runId: string) => string;
  /** Opens sealed credential values (the repository access token). Default: refuses. */
  openSecret?: (sealed: string) => string;
  /** SIGTERM → SIGKILL. Default 10 000 ms. */
  stopTimeoutMs?: number;
  /** How long a started server may take to answer `api/status`. Default 120 000 ms. */
  readyTimeoutMs?: number;
  /** Timeout of each HTTP request to a workload. Default 3 000 ms. */
  pollRequestTimeoutMs?: number;
  /** Default 120 000 ms. */
  cloneTimeoutMs?: number;
  /** Which hosts repositories may be cloned from. Default: none on this machine, link-local or private. */
  repositoryHosts?: RepositoryHostPolicy;
  /** Default 600 000 ms. */
  scriptTimeoutMs?: number;
  /** The log is rotated (copy-truncate) past this size. Default 10 MiB. */
  logMaxBytes?: number;
  /** Rotated logs kept. Default 3. */
  logKeep?: number;
  /** The `jupyter` launcher: a name looked up on PATH, or a path. Default `jupyter`. */
  command?: string;
  /** Added to every workload's environment; `PATH` here also replaces the service's PATH for lookups. */
  env?: Record<string, string>;
  /** Exact public origin to allow for WebSockets, only for a proxy that rewrites `Host`. Default none. */
  publicOrigin?: string;
  /**
   * The store's installation id: the instance directories are stamped with it, and orphans are
   * collected only from directories stamped with it. Default none (no stamp, no check).
   */
  installationId?: string;
  /** Chooses the server port. Default: a free loopback port from the kernel. Tests inject collisions. */
  pickPort?: () => Promise<number>;
  /**
   * How notebooks are kept apart. `mode`: `users` (default when the service runs as root) runs
   * each user's notebooks as their own OS account; `none` (the default otherwise) as the service.
   * `limits`: `enforced` (default as root) refuses a flavor with limits where control groups
   * cannot be used; `best-effort` (the default otherwise) starts it unlimited. `maxTasks`:
   * processes and threads per notebook, default 4096.
   */
  isolation?: Partial<IsolationSettings>;
  /** The host's GPUs to share out. Default: what `nvidia-smi` reports (none known without it). */
  gpus?: readonly ConfiguredGpu[];
  /**
   * Start notebook servers by forking a Python that has imported Jupyter (see fork-server), where
   * one can run. Default true; false spawns each the ordinary way.
   */
  forkServer?: boolean;
}

export type ResolvedOptions = Required<
  Omit<LocalDriverOptions, 'publicOrigin' | 'installationId' | 'isolation' | 'gpus'>
> &
  Pick<LocalDriverOptions, 'publicOrigin' | 'installationId' | 'gpus'> & { isolation: IsolationSettings };

export function resolveOptions(options: LocalDriverOptions, pickPort: () => Promise<number>): ResolvedOptions {
  if (!options.dataDir) throw new Error('LocalDriver needs a dataDir');
  if (options.publicOrigin !== undefined && new URL(options.publicOrigin).origin !== options.publicOrigin) {
    throw new Error(`publicOrigin must be an exact origin such as https://host:port, not ${options.publicOrigin}`);
  }
  const root = isRoot();
  const isolation: IsolationSettings = {
    mode: options.isolation?.mode ?? (root ? 'users' : 'none'),
    limits: options.isolation?.limits ?? (root ? 'enforced' : 'best-effort'),
    maxTasks: options.isolation?.maxTasks ?? 4096,
  };
  if (isolation.mode === 'users' && !root)
    throw new Error(
      'runtime.local.isolation "users" needs the service to run as root (it makes accounts and starts notebooks as them)',
    );
  if (!Number.isInteger(isolation.maxTasks) || isolation.maxTasks < 16)
    throw new Error(`runtime.local.maxProcesses must be an integer of at least 16, not ${isolation.maxTasks}`);
  return {
    objectRoot: join(options.dataDir, 'obs'),
    clock: systemClock,
    log: silentLogger,
    openSecret: () => {
      throw new Error('no openSecret configured');
    },
    stopTimeoutMs: 10_000,
    readyTimeoutMs: 120_000,
    pollRequestTimeoutMs: 3_000,
    cloneTimeoutMs: 120_000,
    repositoryHosts: DEFAULT_REPOSITORY_HOST_POLICY,
    scriptTimeoutMs: 600_000,
    logMaxBytes: 10 * 1024 * 1024,
    logKeep: 3,
    command: 'jupyter',
    env: {},
    forkServer: true,
    pickPort,
    ...stripUndefined(options),
    isolation,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
