/**
 * An instance deleted from the store while the service was down leaves a notebook running and
 * its directory behind; the restarted service, on taking the lead, stops that notebook, deletes
 * the directory and logs how many it removed, while the instance it still holds keeps running.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { eventually, notebookPids } from '../runtime/local-fixtures.js';
import { capturedLog } from '../support/captured-log.js';
import { testDatabaseUrl } from '../support/test-store.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LOCAL = { driver: 'local' as const, pollIntervalSeconds: 1 };
const CPU = {
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' } },
};

describe('orphan collection on taking the lead', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'demanager-orphans-'));
  const ids = { kept: '', gone: '' };
  let t: TestApp | undefined;
  const reaches = (id: string, status: string) =>
    eventually(
      async () => (await t!.http('GET', `${t!.instances()}/${id}`)).body.status === status,
      120_000,
      `${id} to be ${status}`,
    );
  after(async () => {
    await t?.stop(false);
    // Whatever a failed run left behind (the assertions prove a passing run leaves nothing).
    for (const id of Object.values(ids)) for (const pid of id ? notebookPids(id) : []) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the notebook and deletes the files of an instance deleted while the service was down', async () => {
    t = await startTestApp({ dataDir, runtime: LOCAL });
    for (const which of ['kept', 'gone'] as const) {
      ids[which] = (await t.http('POST', t.instances(), { body: { name: `orphan-${which}`, ...CPU } })).body.id;
    }
    for (const id of Object.values(ids)) await reaches(id, 'RUNNING');
    await t.stop(false);
    t = undefined;

    const store = await openStore((await testDatabaseUrl(dataDir)) ?? `sqlite:${join(dataDir, 'demanager.db')}`);
    try {
      const gone = (await store.instances.getById(ids.gone))!;
      assert.equal(await store.instances.delete(gone.id, gone.version), true);
    } finally {
      await store.close();
    }
    assert.equal(notebookPids(ids.gone).length, 1, 'its notebook outlived the service');
    assert.ok(existsSync(join(dataDir, 'instances', ids.gone)));

    const { logger, lines } = capturedLog();
    t = await startTestApp({ dataDir, runtime: LOCAL, start: { logger } });
    await eventually(() => notebookPids(ids.gone).length === 0, 30_000, 'the orphaned notebook to be stopped');
    await eventually(
      () => !existsSync(join(dataDir, 'instances', ids.gone)),
      10_000,
      'the orphaned directory to be deleted',
    );
    await eventually(() => lines.some((line) => line.removed === 1), 10_000, 'the count to be logged');

    assert.equal((await t.http('GET', `${t.instances()}/${ids.kept}`)).body.status, 'RUNNING');
    assert.equal(notebookPids(ids.kept).length, 1, 'the held instance keeps its notebook');
    assert.ok(existsSync(join(dataDir, 'instances', ids.kept, 'work')), 'and its storage');

    assert.equal(
      (await t.http('POST', `${t.instances()}/${ids.kept}/action`, { body: { action: 'stop' } })).status,
      200,
    );
    await reaches(ids.kept, 'STOPPED');
    assert.equal(notebookPids(ids.kept).length, 0);
  });
});
