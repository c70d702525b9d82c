/**
 * A warm server's hand-over cut short: the service died after recording the server as the
 * instance's run but before the server dropped root. The next start must not hand that server (still
 * root) to the user: it ends it and starts one as the user's account. (Root only: the warm server
 * runs as root only when users are isolated, which needs root.)
 */
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, makeDriver, makeWorkload, processGone, tempDir } from './local-fixtures.js';

const root = process.getuid?.() === 0;

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]);
}

describe('a warm server whose hand-over was cut short', { skip: root ? false : 'needs root (CI runs as root)' }, () => {
  const dataDir = tempDir('warm-handover');
  const driver = makeDriver(dataDir);
  const workload = makeWorkload();
  after(async () => {
    await driver.remove(workload);
    for (const id of await driver.warm.ids()) await driver.warm.coolDown(id);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is never handed to the user while it runs as root: the start ends it and starts the user’s own', async () => {
    const { instance, profile, flavor } = workload;
    await driver.warm.warmUp(
      { instanceId: instance.id, flavor: flavor.name, profileId: profile.id },
      profile,
      flavor,
      AbortSignal.timeout(60_000),
    );
    const dir = join(dataDir, 'instances', instance.id);
    const warm = JSON.parse(readFileSync(join(dir, 'warm-run.json'), 'utf8')) as { pid: number };
    assert.equal(uidOf(warm.pid), 0, 'a warm server runs as root until its hand-over');
    // Where a take-over stops if the service dies before the hand-over call: the slot's record gone,
    // the server recorded as the instance's run.
    rmSync(join(dataDir, 'warm', `${instance.id}.json`));
    renameSync(join(dir, 'warm-run.json'), join(dir, 'run.json'));

    await driver.prepare(workload, AbortSignal.timeout(60_000));
    const state = await driver.start(workload, AbortSignal.timeout(60_000));
    const pid = Number(state.data.pid);
    assert.notEqual(pid, warm.pid, 'another server');
    await eventually(() => processGone(warm.pid), 10_000, 'the root server to end');
    assert.notEqual(uidOf(pid), 0, 'the new server runs as the user’s account');
  });
});
