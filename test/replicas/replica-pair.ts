/**
 * @module test/replicas/replica-pair
 * Two servers on one throwaway PostgreSQL database, each with its own data directory and replica
 * id, and whatever else a test gives both (a shared manual clock, the simulated runtime's phases).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';

export interface ReplicaPair {
  replicas: [TestApp, TestApp];
  /** Stops both servers and drops the database. */
  stop(): Promise<void>;
}

export async function startReplicaPair(options: Parameters<typeof startTestApp>[0] = {}): Promise<ReplicaPair> {
  const db: ThrowawayDatabase = await createThrowawayDatabase();
  const replicas: TestApp[] = [];
  for (const name of ['replica-a', 'replica-b'])
    replicas.push(
      await startTestApp({
        ...options,
        databaseUrl: db.url,
        masterKey: TEST_MASTER_KEY,
        dataDir: mkdtempSync(join(tmpdir(), `demanager-${name}-`)),
        coordination: { replicaId: name, scanIntervalMs: 50 },
      }),
    );
  return {
    replicas: replicas as [TestApp, TestApp],
    async stop() {
      for (const r of replicas) await r.stop(false);
      await db.drop();
    },
  };
}
