/**
 * @module bench/support/seeded-store
 * The store a benchmark serves: N instances of the bootstrap admin in the default project, as a
 * create with evs storage and an auto-stop leaves them (a third RUNNING, two thirds STOPPED), on
 * SQLite in a fresh data directory or on a throwaway PostgreSQL database; and the options its
 * `demanager serve` runs with.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Instance } from '../../src/core/model/instance.js';
import type { InstanceStatus } from '../../src/core/model/statuses.js';
import type { ConfigOptions } from '../../src/server/config.js';
import { openStore } from '../../src/store/open-store.js';
import { startChildServer } from '../../test/support/child-server.js';
import { TEST_MASTER_KEY } from '../../test/support/test-store.js';
import { makeSparseInstance } from '../../test/store/fixtures.js';
import { figure } from './measure.js';

export const PROFILE = 'Multi-Engine 1.0 (python3)-cpu';
export const FLAVOR = 'modelarts.vm.cpu.2u';
/** Most of a large project rests; a third runs. The list benchmarks filter on RUNNING. */
const STATUS_MIX: readonly InstanceStatus[] = ['RUNNING', 'STOPPED', 'STOPPED'];

export const SERVER_OPTIONS: ConfigOptions = {
  // What an operator gets by default, request log included: its cost is part of every request's.
  logLevel: 'info',
  // The benchmark is one caller sending as fast as it can: the per-caller limits would answer 429.
  limits: { requestsPerMinute: 0, requestsPerMinutePerAddress: 0 },
  runtime: { driver: 'simulated', simulated: { delays: { prepare: 0, start: 0, stop: 0, remove: 0 } } },
};

function seeded(projectId: string, user: { id: string; name: string }, n: number): Instance {
  const status = STATUS_MIX[n % STATUS_MIX.length]!;
  const createdAt = Date.UTC(2026, 0, 1) + n * 1000;
  // What a create with evs storage and an auto-stop leaves: the sparse fixture with those two set.
  const sparse = makeSparseInstance();
  return {
    ...sparse,
    id: `DE-bench-${String(n).padStart(8, '0')}`,
    name: `bench-${n}`,
    projectId,
    user,
    profileId: PROFILE,
    flavor: FLAVOR,
    status,
    createdAt,
    updatedAt: createdAt,
    description: '',
    spec: {
      ...sparse.spec,
      storage: { type: 'evs', location: { volume_size: 5 } },
      auto_stop: { enable: true, duration: 3600, prompt: true },
    },
    stopAt: status === 'RUNNING' ? Date.now() + 24 * 3_600_000 : null,
    runtime:
      status === 'RUNNING'
        ? { endpoint: null, data: { simulated: true, runId: `run-${n}`, startedAt: createdAt } }
        : null,
    intent: { kind: status === 'RUNNING' ? 'start' : 'stop', at: createdAt, by: 'bench' },
  };
}

export interface SeededStore {
  /** The data directory the server runs in (its config file; the SQLite database too, by default). */
  dir: string;
  databaseUrl: string;
  /** What a server needs to serve it: the database URL, and on PostgreSQL the replicas' master key. */
  options: ConfigOptions;
  /** The newest RUNNING instance: what a user looks at. */
  target: string;
  adminId: string;
}

/**
 * A data directory whose bootstrap admin owns `count` instances in the default project, stored at
 * `databaseUrl` (default: SQLite in the directory). The seeding time is printed under `bench`.
 */
export async function seededStore(bench: string, count: number, databaseUrl?: string): Promise<SeededStore> {
  const dir = await mkdtemp(join(tmpdir(), `demanager-bench-${bench}-`));
  const url = databaseUrl ?? `sqlite:${join(dir, 'demanager.db')}`;
  const options: ConfigOptions = { databaseUrl: url, ...(databaseUrl ? { masterKey: TEST_MASTER_KEY } : {}) };
  // A server's first start migrates the store and makes the admin and the project.
  const first = await startChildServer(dir, { ...SERVER_OPTIONS, ...options });
  await first.stop();
  const store = await openStore(url);
  const admin = (await store.identity.findUserByName('default', 'admin'))!;
  const project = (await store.identity.findProjectByName('default', 'default'))!;
  const started = Date.now();
  for (let n = 0; n < count; n++)
    await store.instances.insert(seeded(project.id, { id: admin.id, name: admin.name }, n));
  await store.close();
  figure(bench, 'seeded instances in one project', count, `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const target = `DE-bench-${String(count - 1 - ((count - 1) % STATUS_MIX.length)).padStart(8, '0')}`;
  return { dir, databaseUrl: url, options, target, adminId: admin.id };
}
