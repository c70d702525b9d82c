/**
 * Warm notebook servers on the local runtime, with real Jupyter, real accounts and control groups
 * (as root, as CI runs): a create takes a ready warm server's instance id and its notebook is the
 * one that server serves, taken over by the instance's user; the slot is replaced in the
 * background; warm servers count against the flavor's capacity, and give their slots up to
 * instances. Then code in a kernel of a taken-over notebook attacks the server it came from.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { completeFlavor } from '../../src/core/model/builtin-catalog.js';
import type { WarmSlot } from '../../src/core/ports/runtime.js';
import { accountName } from '../../src/runtime/local/isolation/os-accounts.js';
import { action, create, CPU_PROFILE, member, waitStatus } from '../support/api.js';
import { ATTACK_PRELUDE } from '../support/kernel-attack.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const root = process.getuid?.() === 0;
const SECOND_PROFILE = 'warm-second-cpu';
const WARM = completeFlavor({
  name: 'test.cpu.warm',
  type: 'CPU',
  params: { CPU: 1, memory: '1GiB' },
  capacity: 2,
  warm: 1,
});

/** Polls until `predicate` holds for the driver's warm slots; answers them. */
async function slotsUntil(t: TestApp, predicate: (slots: WarmSlot[]) => boolean, what: string): Promise<WarmSlot[]> {
  const deadline = Date.now() + 60_000;
  let slots: WarmSlot[] = [];
  while (Date.now() < deadline) {
    slots = (await t.app.services.driver.warm?.slots()) ?? [];
    if (predicate(slots)) return slots;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`warm slots never became ${what}: ${JSON.stringify(slots)}`);
}

const ready = (slots: WarmSlot[]) => slots.filter((s) => s.ready);

/** The process's user ids (real, effective, saved, file system) from /proc. */
function uidsOf(pid: number): number[] {
  return /^Uid:\s+(.*)$/m
    .exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]!
    .trim()
    .split(/\s+/)
    .map(Number);
}

const ATTACK = `${ATTACK_PRELUDE}def write(path):
    with open(path, 'w') as f:
        f.write('x')
attempt('master key', lambda: read(DATA + '/master.key'))
attempt('database', lambda: read(DATA + '/demanager.db'))
attempt('server memory', lambda: read('/proc/%d/mem' % SERVER))
attempt('server environment', lambda: read('/proc/%d/environ' % SERVER))
attempt('write the instance directory', lambda: write(INSTANCE + '/planted'))
attempt('write the warm records', lambda: write(DATA + '/warm/planted.json'))
attempt('write own storage', lambda: write('mine.txt'))
attempt('ptrace the server', lambda: __import__('ctypes').CDLL(None, use_errno=True).ptrace(16, SERVER, 0, 0) == 0 or (_ for _ in ()).throw(PermissionError()))
results['uid'] = os.getuid()
results['euid'] = os.geteuid()
results['user'] = os.environ.get('USER')
results['pythonpath'] = os.environ.get('PYTHONPATH')
results['cwd'] = os.getcwd()
print(json.dumps(results))
`;

describe('warm notebook servers on the local runtime', { skip: root ? false : 'needs root (CI runs as root)' }, () => {
  let t: TestApp;
  const running: { id: string; token: string }[] = [];

  before(async () => {
    t = await startTestApp({
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
      catalog: {
        profiles: [
          { id: CPU_PROFILE, flavor_types: ['CPU'] },
          { id: SECOND_PROFILE, flavor_types: ['CPU'] },
        ],
        flavors: [WARM],
      },
    });
  });
  after(async () => {
    for (const { id, token } of running) {
      await action(t, id, 'stop', { token });
      await waitStatus(t, id, 'STOPPED', { token, timeoutMs: 30_000 }).catch(() => undefined);
    }
    // Warm servers outlive the service by design: a service told to keep none stops them.
    await t.app.services.warm?.stop();
    for (const slot of (await t.app.services.driver.warm?.slots()) ?? [])
      await t.app.services.driver.warm?.coolDown(slot.instanceId);
    await t.stop(true);
  });

  it('keeps one ready server per profile while the capacity allows, and hands one to a create, which is then the user’s', async () => {
    const slots = await slotsUntil(t, (s) => ready(s).length === 2, 'two ready servers (one per profile)');
    const mine = slots.find((s) => s.profileId === CPU_PROFILE)!;
    const alice = await member(t, 'warm-alice', t.projectId);
    const started = Date.now();
    const instance = await create(t, cpuBody('warm-one', WARM.name), { token: alice.token });
    running.push({ id: instance.id, token: alice.token });
    assert.equal(instance.id, mine.instanceId, 'the create took the free slot’s id');
    const detail = await waitStatus(t, instance.id, 'RUNNING', { token: alice.token, timeoutMs: 30_000 });
    const tookMs = Date.now() - started;
    const stored = (await t.app.services.store.instances.getById(instance.id))!;
    const pid = Number(stored.runtime!.data.pid);
    const account = accountName(alice.userId);
    const uid = Number(
      /^\d+/.exec(
        readFileSync('/etc/passwd', 'utf8')
          .split('\n')
          .find((l) => l.startsWith(`${account}:`))!
          .split(':')[2]!,
      )![0],
    );
    assert.deepEqual(uidsOf(pid), [uid, uid, uid, uid], 'the server runs as the user’s account only');
    assert.match(readFileSync(`/proc/${pid}/status`, 'latin1'), /^NoNewPrivs:\s+1$/m);
    assert.ok(detail.status === 'RUNNING' && tookMs < 10_000, `took ${tookMs} ms`);

    // Through the proxy, as a browser: the notebook answers and a kernel runs as the user.
    const token = (await t.http('GET', `${t.instances()}/${instance.id}/token`, { token: alice.token })).body
      .token as string;
    const cookie = await openNotebook(t.url, instance.id, token);
    const kernel = await startKernel(t.url, instance.id, cookie);
    const instanceDir = join(t.dataDir, 'instances', instance.id);
    const prelude = `DATA = ${JSON.stringify(t.dataDir)}\nSERVER = ${pid}\nINSTANCE = ${JSON.stringify(instanceDir)}\n`;
    const printed = await execute(kernel, cookie, prelude + ATTACK, t.url);
    const { uid: kernelUid, euid, user, pythonpath, cwd, ...attempts } = JSON.parse(printed.trim().split('\n').pop()!);
    assert.deepEqual([kernelUid, euid, user, pythonpath], [uid, uid, account, null]);
    assert.equal(cwd, join(instanceDir, 'work'));
    assert.deepEqual(attempts, {
      'master key': 'denied',
      database: 'denied',
      'server memory': 'denied',
      'server environment': 'denied',
      'write the instance directory': 'denied',
      'write the warm records': 'denied',
      'write own storage': 'allowed',
      'ptrace the server': 'denied',
    });
    // The hand-over works once: a second call through the proxy, with the user's own cookie, is refused.
    const again = await fetch(`${t.url}/notebook/${instance.id}/demanager/handover`, {
      method: 'POST',
      headers: { cookie, origin: t.url, 'content-type': 'application/json' },
      body: JSON.stringify({ uid: 0, gid: 0 }),
    });
    assert.ok([403, 409].includes(again.status), `a second hand-over answered ${again.status}`);
    assert.deepEqual(uidsOf(pid), [uid, uid, uid, uid]);
  });

  it('counts warm servers against the capacity: the taken slot is not replaced while the flavor is full, and is once it frees', async () => {
    // One instance and the second profile's warm server fill the capacity of 2.
    await t.app.services.warm!.settle();
    const slots = await slotsUntil(t, (s) => s.length === 1, 'one server (the capacity of 2 is full)');
    assert.equal(slots[0]!.profileId, SECOND_PROFILE);
    const [{ id, token }] = running.splice(0, 1) as [{ id: string; token: string }];
    await action(t, id, 'stop', { token });
    await waitStatus(t, id, 'STOPPED', { token, timeoutMs: 30_000 });
    const refilled = await slotsUntil(
      t,
      (s) => ready(s).length === 2 && s.some((x) => x.profileId === CPU_PROFILE && x.instanceId !== id),
      'replaced once the instance stopped',
    );
    assert.equal(refilled.length, 2);
  });

  it('gives a warm server’s slot up to a create that finds none free for its profile, which is not refused', async () => {
    const bob = await member(t, 'warm-bob', t.projectId);
    const second = { ...cpuBody('warm-b1', WARM.name), profile_id: SECOND_PROFILE };
    const slotIds = new Set((await t.app.services.driver.warm!.slots()).map((s) => s.instanceId));
    const b1 = await create(t, second, { token: bob.token });
    running.push({ id: b1.id, token: bob.token });
    assert.ok(slotIds.has(b1.id), 'the first took the second profile’s slot');
    // The second profile's slot is not replaced (full); the first profile's warm server holds the last slot.
    const b2 = await create(t, { ...second, name: 'warm-b2' }, { token: bob.token });
    running.push({ id: b2.id, token: bob.token });
    assert.ok(!slotIds.has(b2.id), 'no slot was free for the second');
    await waitStatus(t, b1.id, 'RUNNING', { token: bob.token, timeoutMs: 30_000 });
    await waitStatus(t, b2.id, 'RUNNING', { token: bob.token, timeoutMs: 60_000 });
    await t.app.services.warm!.settle();
    assert.deepEqual(await t.app.services.driver.warm!.slots(), [], 'no warm server while instances hold every slot');
    for (const id of slotIds)
      if (id !== b1.id)
        assert.ok(!existsSync(join(t.dataDir, 'instances', id)), 'the given-up server’s files are gone');
  });
});
