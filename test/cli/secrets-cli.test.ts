/**
 * @module test/cli/secrets-cli
 * `demanager secrets rotate` and the controller lease, on a store no server runs on: while another
 * holds the lease the command refuses, naming the holder and leaving master.key as it was; once
 * the lease is free it rotates, replaces master.key and hands the lease back for a server to take.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import { createKeyFile } from '../../src/server/key-file.js';
import { CONTROLLER_LEASE } from '../../src/server/services.js';
import { openStore } from '../../src/store/open-store.js';
import { explain, removeDir, runCli, tempDir } from './cli-harness.js';

describe('demanager secrets rotate holds the controller lease', () => {
  const dataDir = tempDir('demanager-rotate-');
  const cliDir = tempDir();
  const newKeyFile = join(cliDir, 'new.key');
  const newKey = randomBytes(32).toString('base64') + '\n';
  const oldKey = randomBytes(32).toString('base64') + '\n';
  const keyFile = join(dataDir, 'master.key');
  const rotate = () =>
    runCli(['secrets', 'rotate', '--data-dir', dataDir, '--new-key-file', newKeyFile], { configDir: cliDir });
  let store: Store;

  before(async () => {
    store = await openStore(`sqlite:${join(dataDir, 'demanager.db')}`);
    createKeyFile(dataDir, Buffer.from(oldKey, 'base64'));
    writeFileSync(newKeyFile, newKey);
  });

  after(async () => {
    await store.close();
    removeDir(dataDir);
    removeDir(cliDir);
  });

  it('refuses while a server holds the lease, naming it, and keeps the old key', async () => {
    assert.equal(await store.leases.acquire(CONTROLLER_LEASE, 'server-a', 60_000, Date.now()), true);
    const refused = await rotate();
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /a server \(server-a\) holds the controller lease: stop every server first/);
    assert.equal(readFileSync(keyFile, 'utf8'), oldKey);
    assert.equal(await store.leases.holder(CONTROLLER_LEASE, Date.now()), 'server-a');
  });

  it('rotates once the lease is free, and gives it back', async () => {
    await store.leases.release(CONTROLLER_LEASE, 'server-a');
    const rotated = await rotate();
    assert.equal(rotated.code, 0, explain(rotated));
    assert.match(rotated.stdout, /replaced .*master\.key with the new key/);
    assert.equal(readFileSync(keyFile, 'utf8'), newKey);
    assert.equal(await store.leases.holder(CONTROLLER_LEASE, Date.now()), undefined);
  });
});
