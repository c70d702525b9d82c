/**
 * The service is killed with SIGKILL while notebooks run and one is starting; a new service on the
 * same data directory re-adopts the live notebook (same URL, same token), marks the one whose
 * process died UNAVAILABLE (and can start it again), finishes the interrupted start with exactly
 * one notebook process, and leaves nothing stuck or orphaned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { notebookPids } from '../runtime/local-fixtures.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CPU = {
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' } },
};
const LOCAL = { driver: 'local' as const, pollIntervalSeconds: 1 };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('crash safety of the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'demanager-crash-'));
  const ids: Record<'alive' | 'dies' | 'starting', string> = { alive: '', dies: '', starting: '' };
  let child: ChildServer | undefined;
  let t: TestApp | undefined;
  after(async () => {
    await child?.kill();
    await t?.stop(false);
    // Whatever a failed run left behind (the assertions above prove a passing run leaves nothing).
    for (const id of Object.values(ids)) for (const pid of notebookPids(id)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-adopts, marks and resumes after a SIGKILL of the service', async () => {
    child = await startChildServer(dataDir, { runtime: LOCAL });
    const base = `/v1/${child.projectId}/demanager/instances`;
    const status = async (c: ChildServer, id: string) => (await c.http<any>('GET', `${base}/${id}`)).body;
    for (const which of ['alive', 'dies'] as const) {
      ids[which] = (await child.http<any>('POST', base, { name: `crash-${which}`, ...CPU })).body.id;
    }
    for (const which of ['alive', 'dies'] as const) {
      await until(`${which} RUNNING`, async () =>
        (await status(child!, ids[which])).status === 'RUNNING' ? true : undefined,
      );
    }
    const aliveToken = (await child.http<any>('GET', `${base}/${ids.alive}/token`)).body.token as string;
    ids.starting = (await child.http<any>('POST', base, { name: 'crash-starting', ...CPU })).body.id;
    const caught = (await status(child, ids.starting)).status;
    assert.ok(['CREATING', 'STARTING'].includes(caught), `caught mid-transition (${caught})`);

    await child.kill();
    child = undefined;
    // While the service is down, one notebook dies too.
    const [dying] = notebookPids(ids.dies);
    assert.ok(dying, 'the notebook of "dies" was running');
    process.kill(dying, 'SIGKILL');
    await until('the notebook of "dies" to exit', async () => (notebookPids(ids.dies).length === 0 ? true : undefined));

    t = await startTestApp({ dataDir, runtime: LOCAL });
    const get = async (id: string) => (await t!.http('GET', `${t!.instances()}/${id}`)).body;

    // Re-adopted: still RUNNING, same process, and the token handed out before the crash still opens it.
    assert.equal((await get(ids.alive)).status, 'RUNNING');
    assert.equal(notebookPids(ids.alive).length, 1);
    const opened = await fetch(`${t.url}/notebook/${ids.alive}/api/status?token=${aliveToken}`, { redirect: 'manual' });
    assert.equal(opened.status, 302);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await fetch(`${t.url}/notebook/${ids.alive}/api/status`, { headers: { cookie } })).status, 200);

    // Died while nobody watched: UNAVAILABLE with the reason, and it can be started again.
    const dead = await get(ids.dies);
    assert.equal(dead.status, 'UNAVAILABLE');
    assert.match(dead.spec.failed_reasons.message, /stopped unexpectedly/);
    assert.equal(
      (await t.http('POST', `${t.instances()}/${ids.dies}/action`, { body: { action: 'start' } })).status,
      200,
    );
    await until('"dies" RUNNING again', async () => ((await get(ids.dies)).status === 'RUNNING' ? true : undefined));

    // The interrupted start finished, with one notebook process and no orphan.
    await until('"starting" RUNNING', async () => ((await get(ids.starting)).status === 'RUNNING' ? true : undefined));
    assert.equal(notebookPids(ids.starting).length, 1);

    // A notebook that exits by itself while the service runs is noticed within seconds.
    const [selfExit] = notebookPids(ids.alive);
    process.kill(selfExit!, 'SIGKILL');
    const noticed = await until(
      'UNAVAILABLE after a crash',
      async () => {
        const body = await get(ids.alive);
        return body.status === 'UNAVAILABLE' ? body : undefined;
      },
      15_000,
    );
    assert.ok(noticed.spec.failed_reasons);

    // Nothing stuck, and stopping everything leaves no notebook process of this data directory.
    for (const id of Object.values(ids)) {
      const body = await get(id);
      if (body.status === 'RUNNING')
        await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
    }
    for (const id of Object.values(ids)) {
      await until(`${id} at rest`, async () =>
        ['STOPPED', 'UNAVAILABLE'].includes((await get(id)).status) ? true : undefined,
      );
      assert.deepEqual(notebookPids(id), []);
    }
  });
});
