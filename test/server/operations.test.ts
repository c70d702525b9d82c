import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testStoreOptions } from '../support/test-store.js';

const BIN = fileURLToPath(new URL('../../bin/demanager.js', import.meta.url));
const run = promisify(execFile);

describe('operations endpoints', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('/readyz says ready, with the database reachable, the schema current and this lone server the controller', async () => {
    const res = await t.http('GET', '/readyz', { token: null });
    assert.deepEqual(
      [res.status, res.body],
      [200, { status: 'ready', database: 'ok', migrations: 'current', writes: 'ok', controller: true }],
    );
  });

  it('/readyz answers 503 once the database is gone, while /healthz still answers', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'demanager-ready-'));
    const u = await startTestApp({ dataDir });
    try {
      await u.app.services.store.close();
      const res = await u.http('GET', '/readyz', { token: null });
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'unavailable');
      assert.equal(res.body.database, 'unreachable');
      assert.equal((await u.http('GET', '/healthz', { token: null })).status, 200);
    } finally {
      await u.stop();
    }
  });
});

describe('demanager migrate', () => {
  it('applies the migrations once, then reports the schema current', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'demanager-migrate-'));
    try {
      const store = await testStoreOptions(dataDir);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DEMANAGER_DATA_DIR: dataDir,
        ...(store.databaseUrl
          ? { DEMANAGER_DATABASE_URL: store.databaseUrl, DEMANAGER_MASTER_KEY: store.masterKey }
          : {}),
      };
      const first = await run(process.execPath, [BIN, 'migrate'], { env });
      assert.match(first.stdout, /^applied 0001-initial, 0002-/);
      const second = await run(process.execPath, [BIN, 'migrate'], { env });
      assert.equal(second.stdout, 'the database schema is current\n');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
