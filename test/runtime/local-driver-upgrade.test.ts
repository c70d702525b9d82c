/**
 * Upgrading a host whose notebooks ran as the service (the release before isolation, reproduced
 * here with isolation "none" as root, which lays out files exactly as it did) to notebooks as
 * their own accounts: a stopped instance's files, its project's bucket and its old log move to
 * their new owners at its next start with nothing lost, and a notebook still running from before
 * is re-adopted as it is and its owner told to restart it, once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Workload } from '../../src/core/ports/runtime.js';
import { accountName, projectGroupName } from '../../src/runtime/local/isolation/os-accounts.js';
import { makeDriver, makeWorkload, runData, tempDir, withRuntime } from './local-fixtures.js';

const root = process.getuid?.() === 0;

function uidOfProcess(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]);
}

describe('local driver: upgrading to notebooks as their own accounts', {
  skip: root ? false : 'needs root (CI runs as root)',
}, () => {
  const dataDir = tempDir('local-upgrade');
  const previous = makeDriver(dataDir, { isolation: { mode: 'none', limits: 'best-effort' } });
  const upgraded = makeDriver(dataDir);
  const started: Workload[] = [];
  after(async () => {
    for (const workload of started) await upgraded.stop(workload);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const account = (workload: Workload) =>
    Number(execFileSync('id', ['-u', accountName(workload.instance.user.id)], { encoding: 'utf8' }).trim());
  const projectGroup = (workload: Workload) =>
    Number(
      execFileSync('getent', ['group', projectGroupName(workload.instance.projectId)], { encoding: 'utf8' }).split(
        ':',
      )[2],
    );

  async function runWith(driver: typeof upgraded, workload: Workload): Promise<Workload> {
    const state = await driver.start(workload, new AbortController().signal);
    const running = withRuntime(workload, state);
    started.push(running);
    return running;
  }

  it('hands a stopped instance’s storage, home and old log to its account at its next start, contents intact', async () => {
    const workload = makeWorkload({ log_path: '/logs/' });
    await previous.prepare(workload, new AbortController().signal);
    const before = await runWith(previous, workload);
    await previous.stop(before);
    const work = join(dataDir, 'instances', workload.instance.id, 'work');
    mkdirSync(join(work, 'results'));
    writeFileSync(join(work, 'results', 'model.bin'), 'weights', { mode: 0o600 });
    // The release before isolation wrote the log itself at log_path.
    unlinkSync(join(work, 'logs', 'notebook.log'));
    writeFileSync(join(work, 'logs', 'notebook.log'), 'the old release’s log\n');
    assert.equal(statSync(join(work, 'results', 'model.bin')).uid, 0);

    const now = await runWith(upgraded, workload);
    const uid = account(workload);
    assert.equal(uidOfProcess(runData(now.instance.runtime!).pid), uid, 'the server runs as the account');
    for (const path of [
      work,
      join(work, 'results'),
      join(work, 'results', 'model.bin'),
      join(dataDir, 'instances', workload.instance.id, 'home'),
    ]) {
      assert.equal(lstatSync(path).uid, uid, `${path} is the account's`);
    }
    assert.equal(readFileSync(join(work, 'results', 'model.bin'), 'utf8'), 'weights');
    assert.equal(readFileSync(join(work, 'logs', 'notebook.log.old'), 'utf8'), 'the old release’s log\n');
    assert.equal(readlinkSync(join(work, 'logs', 'notebook.log')), runData(now.instance.runtime!).logFile);
  });

  it('gives a bucket made before to the project that uses it first, files included', async () => {
    const workload = makeWorkload({ storage: { type: 'obs', location: { path: '/team/data/' } } });
    const bucket = join(dataDir, 'obs', 'team');
    mkdirSync(join(bucket, 'data'), { recursive: true });
    writeFileSync(join(bucket, 'data', 'table.csv'), 'a,b\n', { mode: 0o600 });
    await runWith(upgraded, workload);
    const gid = projectGroup(workload);
    assert.equal(statSync(bucket).gid, gid);
    assert.equal(statSync(bucket).mode & 0o7777, 0o2770);
    const file = statSync(join(bucket, 'data', 'table.csv'));
    assert.equal(file.gid, gid);
    assert.equal(file.mode & 0o070, 0o060, 'the project can read and write it');
    assert.equal(readFileSync(join(bucket, 'data', 'table.csv'), 'utf8'), 'a,b\n');
  });

  it('re-adopts a notebook still running from before, tells its owner once, and isolates it at its next start', async () => {
    const workload = makeWorkload();
    await previous.prepare(workload, new AbortController().signal);
    const before = await runWith(previous, workload);
    assert.equal(uidOfProcess(runData(before.instance.runtime!).pid), 0);
    const first = await upgraded.poll(before);
    assert.equal(first.state, 'running');
    assert.deepEqual(first.state === 'running' ? first.notices?.map((n) => n.kind) : [], ['isolation']);
    assert.deepEqual(await upgraded.poll(before), { state: 'running' }, 'said once');
    await upgraded.stop(before);
    const after = await runWith(upgraded, workload);
    assert.equal(uidOfProcess(runData(after.instance.runtime!).pid), account(workload));
    assert.deepEqual(await upgraded.poll(after), { state: 'running' });
  });
});
