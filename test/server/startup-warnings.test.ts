/**
 * What `serve` tells an operator once at start-up about the boundary between notebooks and the
 * service: that notebooks run with the service's own rights (isolation "none"), and that its
 * PostgreSQL database let it in without a password, which on a shared host lets every kernel in.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createThrowawayDatabase } from '../store/postgres-test-database.js';
import { capturedLog } from '../support/captured-log.js';
import { startTestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';

async function warningsOf(options: Parameters<typeof startTestApp>[0]): Promise<string[]> {
  const { logger, lines } = capturedLog();
  const t = await startTestApp({ ...options, start: { logger } });
  await t.stop(true);
  return lines.filter((line) => line.level === 40).map((line) => line.msg);
}

const SERVICE_RIGHTS = /isolation is "none": notebooks run as this service's own OS account/;
const NO_PASSWORD = /PostgreSQL database was reached without a password/;

describe('start-up warnings about what notebooks can reach', () => {
  it('says once that notebooks run with the service’s rights when isolation is "none", and not otherwise', async () => {
    const none = await warningsOf({ runtime: { driver: 'local', local: { isolation: 'none' } } });
    assert.equal(none.filter((w) => SERVICE_RIGHTS.test(w)).length, 1, none.join('\n'));
    const isolated = await warningsOf({ runtime: { driver: 'local' } });
    const expected = process.getuid?.() === 0 ? 0 : 1;
    assert.equal(isolated.filter((w) => SERVICE_RIGHTS.test(w)).length, expected, isolated.join('\n'));
    const simulated = await warningsOf({});
    assert.ok(!simulated.some((w) => SERVICE_RIGHTS.test(w)), 'nothing to say when no notebook runs here');
  });

  it('says, as root, when notebook accounts could not reach the data directory', {
    skip: process.getuid?.() === 0 ? false : 'needs root',
  }, async () => {
    const parent = mkdtempSync(join(tmpdir(), 'demanager-closed-'));
    mkdirSync(join(parent, 'data'));
    try {
      const warnings = await warningsOf({ dataDir: join(parent, 'data'), runtime: { driver: 'local' } });
      assert.ok(
        warnings.some((w) =>
          w.startsWith(
            `notebook accounts cannot reach ${join(parent, 'data')}: ${parent} (mode 0700) lets no other user through`,
          ),
        ),
        warnings.join('\n'),
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('closes the data directory to notebook accounts at start-up, before any notebook runs', {
    skip: process.getuid?.() === 0 ? false : 'needs root',
  }, async () => {
    const t = await startTestApp({ runtime: { driver: 'local' } });
    try {
      assert.equal(statSync(t.dataDir).mode & 0o777, 0o711);
      for (const name of readdirSync(t.dataDir)) {
        // What notebooks are given a way into: passable, not listable.
        const mode = statSync(join(t.dataDir, name)).mode;
        if (name === 'instances' || name === 'obs') assert.equal(mode & 0o777, 0o711, name);
        else assert.equal(mode & 0o077, 0, `${name} is closed to others`);
      }
      assert.ok(readdirSync(t.dataDir).includes('demanager.db') || process.env.DEMANAGER_TEST_STORE === 'postgres');
    } finally {
      await t.stop(true);
    }
  });

  it('warns when PostgreSQL let the service in without a password, and not when it had one', async () => {
    const db = await createThrowawayDatabase();
    try {
      const bare = await warningsOf({ databaseUrl: db.url, masterKey: TEST_MASTER_KEY, runtime: { driver: 'local' } });
      assert.equal(bare.filter((w) => NO_PASSWORD.test(w)).length, 1, bare.join('\n'));
      // This server trusts local connections, so any password gets in: enough to show the URL's counts.
      const withPassword = new URL(db.url);
      withPassword.password = 'a-real-password';
      const given = await warningsOf({
        databaseUrl: withPassword.href,
        masterKey: TEST_MASTER_KEY,
        runtime: { driver: 'local' },
      });
      assert.ok(!given.some((w) => NO_PASSWORD.test(w)), given.join('\n'));
    } finally {
      await db.drop();
    }
  });
});
