/**
 * The data directory holds the database, its journals and the master key: whatever the driver and
 * the isolation mode, no other account on the machine may read them. A data directory an older
 * release left open (0755, a database of 0644, `obs/` of 0755) is closed at start-up.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureDirInside } from '../../src/runtime/local/safe-paths.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const parents: string[] = [];
after(() => {
  for (const dir of parents) rmSync(dir, { recursive: true, force: true });
});

function parentDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'demanager-privacy-'));
  chmodSync(dir, 0o755);
  parents.push(dir);
  return dir;
}

/** SQLite in `dataDir` whichever store the suite runs on: the files under test are SQLite's. */
function startOn(dataDir: string, driver: 'local' | 'simulated'): Promise<TestApp> {
  return startTestApp({
    dataDir,
    databaseUrl: `sqlite:${join(dataDir, 'demanager.db')}`,
    runtime: { driver, local: { isolation: 'none' } },
  });
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('the data directory is private', () => {
  for (const driver of ['local', 'simulated'] as const) {
    it(`is made 0700 with its database, journals and keys 0600 (${driver} driver)`, async () => {
      const dataDir = join(parentDir(), 'data');
      const t = await startOn(dataDir, driver);
      try {
        // The start-up wrote (the admin's login), so the WAL and its index exist to be looked at.
        const files = readdirSync(dataDir);
        for (const name of ['demanager.db', 'demanager.db-wal', 'demanager.db-shm'])
          assert.ok(files.includes(name), `${name} in ${files.join(',')}`);
        assert.equal(modeOf(dataDir), 0o700);
        for (const name of files) {
          const path = join(dataDir, name);
          if (statSync(path).isFile()) assert.equal(modeOf(path), 0o600, name);
          else assert.equal(modeOf(path) & 0o077, 0, name);
        }
      } finally {
        await t.stop(false);
      }
    });
  }

  it('closes what an older release left open, at start-up and before any notebook runs', async () => {
    const dataDir = join(parentDir(), 'data');
    const first = await startOn(dataDir, 'simulated');
    await first.stop(false);
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    mkdirSync(join(dataDir, 'obs', 'team'), { recursive: true, mode: 0o755 });
    chmodSync(join(dataDir, 'obs'), 0o755);
    writeFileSync(join(dataDir, 'obs', 'team', 'results.csv'), 'a,b\n', { mode: 0o644 });
    mkdirSync(join(dataDir, 'instances'), { mode: 0o755 });
    chmodSync(join(dataDir, 'instances'), 0o755);

    const t = await startOn(dataDir, 'local');
    try {
      assert.equal(modeOf(dataDir), 0o700);
      for (const name of readdirSync(dataDir)) assert.equal(modeOf(join(dataDir, name)) & 0o077, 0, name);
      for (const name of ['demanager.db', 'demanager.db-wal', 'demanager.db-shm'])
        assert.equal(modeOf(join(dataDir, name)), 0o600, name);
    } finally {
      await t.stop(false);
    }
  });

  it('makes the object root private when the first obs notebook creates it', async () => {
    const root = join(parentDir(), 'obs');
    await ensureDirInside(root, ['bucket', 'work']);
    assert.equal(modeOf(root), 0o700);
  });
});
