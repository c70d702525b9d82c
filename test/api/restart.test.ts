/**
 * @module test/api/restart
 * A new server on the same data directory resumes what the previous one left half-done and loses
 * nothing, after a SIGKILL of the real CLI server: the wire view of every instance is the same
 * before the kill and after the restart. Which status each transition resumes to, and that a
 * further restart changes nothing, are rules of core: test/core/reconciler.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { action, create, getInstance, listInstances, waitStatus } from '../support/api.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { PHASES, SteppingClock, stopWithClock } from '../support/stepping-clock.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';

/** What must survive any restart unchanged. */
function essentials(i: any) {
  return {
    id: i.id,
    name: i.name,
    description: i.description,
    creation_timestamp: i.creation_timestamp,
    flavor: i.flavor,
    profile: i.profile.id,
    user: i.user,
    workspace: i.workspace,
    ai_project: i.ai_project,
    pool: i.pool,
    storage: i.spec.storage,
    auto_stop: {
      enable: i.spec.auto_stop.enable,
      duration: i.spec.auto_stop.duration,
      prompt: i.spec.auto_stop.prompt,
    },
  };
}

/** The whole instance minus what depends on the serving URL or on the reading time. */
function comparable(i: any) {
  const copy = JSON.parse(JSON.stringify(i));
  delete copy.spec.annotations;
  delete copy.spec.auto_stop.remain_time;
  // Derived from how many instances of the flavor the caller has now.
  delete copy.flavor_details.instance_num;
  return copy;
}

async function allById(t: TestApp): Promise<Map<string, any>> {
  const res = await listInstances(t, 'show_self=false');
  assert.equal(res.status, 200);
  return new Map(res.body.instances.map((i: any) => [i.id, i]));
}

function body(name: string, description: string) {
  return createBody(name, {
    description,
    spec: {
      storage: { type: 'obs', location: { path: `/bucket/${name}/` } },
      auto_stop: { enable: true, duration: 3600 },
    },
  });
}

describe('after a SIGKILL of the CLI server, a new server resumes every transition', () => {
  let dataDir = '';
  let child: ChildServer | undefined;
  const made: Record<string, any> = {};
  let atKill: Map<string, any>;

  before(async () => {
    const a = await startTestApp();
    dataDir = a.dataDir;
    for (const name of ['crash-running', 'crash-stop', 'crash-restart', 'crash-start'])
      made[name] = await create(a, body(name, `${name} text`));
    for (const inst of Object.values(made)) await waitStatus(a, inst.id, 'RUNNING');
    await action(a, made['crash-start'].id, 'stop');
    await waitStatus(a, made['crash-start'].id, 'STOPPED');
    await a.stop(false);
  });
  after(async () => {
    await child?.kill();
  });

  it('the CLI server is killed with work in CREATING, STARTING, STOPPING and RESTARTING', async () => {
    const slow = 600_000;
    child = await startChildServer(dataDir, {
      runtime: {
        pollIntervalSeconds: 0,
        simulated: { delays: { prepare: slow, start: slow, stop: slow, remove: slow } },
      },
    });
    const base = `/v1/${child.projectId}/demanager/instances`;
    const created = await child.http('POST', base, body('crash-creating', 'created just before the crash'));
    assert.equal(created.status, 200, JSON.stringify(created.body));
    made['crash-creating'] = created.body;
    assert.equal(
      (await child.http('POST', `${base}/${made['crash-start'].id}/action`, { action: 'start' })).body.current_status,
      'STARTING',
    );
    assert.equal(
      (await child.http('POST', `${base}/${made['crash-stop'].id}/action`, { action: 'stop' })).body.current_status,
      'STOPPING',
    );
    assert.equal(
      (await child.http('POST', `${base}/${made['crash-restart'].id}/action`, { action: 'restart' })).body
        .current_status,
      'RESTARTING',
    );
    const list = await child.http('GET', `${base}?de_type=Notebook&show_self=false`);
    atKill = new Map(list.body.instances.map((i: any) => [i.id, i]));
    assert.deepEqual([...atKill.values()].map((i) => `${i.name}:${i.status}`).sort(), [
      'crash-creating:CREATING',
      'crash-restart:RESTARTING',
      'crash-running:RUNNING',
      'crash-start:STARTING',
      'crash-stop:STOPPING',
    ]);
    await child.kill();
    assert.equal(child.process.signalCode, 'SIGKILL');
  });

  it('the new server finds every instance exactly as the killed one left it, then drives each to rest', async () => {
    const clock = new SteppingClock();
    const c = await startTestApp({
      dataDir,
      start: { clock },
      runtime: { pollIntervalSeconds: 0, simulated: { delays: { ...PHASES } } },
    });
    try {
      const found = await allById(c);
      assert.deepEqual([...found.keys()].sort(), [...atKill.keys()].sort());
      for (const [id, inst] of atKill) assert.deepEqual(comparable(found.get(id)), comparable(inst), inst.name);

      const expected: Record<string, string> = {
        'crash-creating': 'RUNNING',
        'crash-start': 'RUNNING',
        'crash-stop': 'STOPPED',
        'crash-restart': 'RUNNING',
        'crash-running': 'RUNNING',
      };
      // Let the resumed phases run, a second of clock at a time, until everything rests.
      for (let i = 0; i < 100; i++) {
        const now = await allById(c);
        if ([...now.values()].every((inst) => inst.status === expected[inst.name])) break;
        clock.advance(1_000);
        await delay(10);
      }
      for (const inst of atKill.values()) {
        const rested = await waitStatus(c, inst.id, expected[inst.name]!);
        assert.deepEqual(essentials(rested), essentials(inst), inst.name);
        assert.equal(rested.spec.failed_reasons, null, inst.name);
      }
      const running = (await getInstance(c, made['crash-running'].id)).body;
      assert.deepEqual(
        comparable(running),
        comparable(atKill.get(made['crash-running'].id)),
        'the untouched RUNNING instance',
      );
    } finally {
      await stopWithClock(c, clock, true);
    }
  });
});
