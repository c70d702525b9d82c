/**
 * Warm Pods with two replicas on one PostgreSQL database and one (fake) cluster: the replica that
 * holds the controller lease keeps the warm Pods, and a create on the other takes a ready one as
 * well (core/warm/warm-pool's following). Two creates that take the same Pod at once, one on each
 * replica, both succeed: the instance id is unique, so one gets the Pod and the other a Pod of its
 * own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { completeFlavor } from '../../../src/core/model/builtin-catalog.js';
import type { WarmSlot } from '../../../src/core/ports/runtime.js';
import { CPU_PROFILE } from '../../support/api.js';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { instancePod } from '../../support/kubernetes/instance-pod.js';
import { writeKubeconfig } from '../../support/kubernetes/kubeconfig-file.js';
import { TEST_MASTER_KEY } from '../../support/test-store.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../../support/test-app.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../store/postgres-test-database.js';

const NAMESPACE = 'demanager-warm-replicas';
const FLAVOR = completeFlavor({
  name: 'modelarts.vm.cpu.warm',
  type: 'CPU',
  params: { CPU: 1, memory: '4GiB' },
  promo_type: 'Free',
  capacity: 4,
  warm: 1,
});

describe('warm Pods handed out by every replica (fake cluster, PostgreSQL)', () => {
  let cluster: FakeCluster;
  let db: ThrowawayDatabase;
  const replicas: TestApp[] = [];
  let leader: TestApp;
  let follower: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'demanager-k8s-warm-replicas-'));
  const kubeconfig = join(dir, 'kubeconfig');
  /** Instances the tests made, whose Pods are no warm slots any more. */
  const made: string[] = [];

  before(async () => {
    cluster = await startFakeCluster();
    writeKubeconfig(kubeconfig, cluster.server);
    db = await createThrowawayDatabase();
    for (const replicaId of ['replica-a', 'replica-b'])
      replicas.push(
        await startTestApp({
          databaseUrl: db.url,
          masterKey: TEST_MASTER_KEY,
          dataDir: mkdtempSync(join(dir, `${replicaId}-`)),
          coordination: { replicaId, scanIntervalMs: 50 },
          logLevel: 'silent',
          runtime: {
            driver: 'kubernetes',
            kubernetes: { kubeconfig, namespace: NAMESPACE, registry: 'swr.example.com', unschedulableSeconds: 0 },
          },
          catalog: { profiles: [{ id: CPU_PROFILE, flavor_types: ['CPU'] }], flavors: [FLAVOR] },
        }),
      );
    await eventually(() => replicas.filter((r) => r.app.services.controller.held).length === 1, 'one lease holder');
    leader = replicas.find((r) => r.app.services.controller.held)!;
    follower = replicas.find((r) => r !== leader)!;
  });
  after(async () => {
    for (const r of replicas) await r.stop(false);
    await db.drop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pod = (id: string) => instancePod(cluster, NAMESPACE, id);

  /** The ready slot the leader keeps, other than `not`, once the follower has seen it too. */
  async function readySlot(not: string[] = []): Promise<WarmSlot> {
    for (let i = 0; i < 500; i++) {
      const slot = ((await leader.app.services.driver.warm?.slots()) ?? []).find(
        (s) => s.ready && !not.includes(s.instanceId),
      );
      if (slot) {
        await follower.app.services.warm!.settle();
        return slot;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no ready warm Pod');
  }

  async function createOn(t: TestApp, name: string): Promise<string> {
    const res = await t.http('POST', t.instances(), { body: cpuBody(name, FLAVOR.name) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id as string;
  }

  it('a create on the replica without the lease takes the ready warm Pod, which the leader then replaces', async () => {
    const slot = await readySlot();
    const warmUid = pod(slot.instanceId).metadata.uid as string;
    const id = await createOn(follower, 'follower-takes');
    made.push(id);
    assert.equal(id, slot.instanceId, 'the create took the warm Pod’s id');
    await waitForStatus(follower, id, ['RUNNING']);
    assert.equal(pod(id).metadata.uid, warmUid, 'the warm Pod serves the instance: none was made for it');
    const next = await readySlot([id]);
    assert.notEqual(next.instanceId, id);
  });

  it('two creates that take the same warm Pod at once, one per replica: one gets it, the other a Pod of its own', async () => {
    const slot = await readySlot(made);
    const warmUid = pod(slot.instanceId).metadata.uid as string;
    const ids = await Promise.all([createOn(leader, 'race-leader'), createOn(follower, 'race-follower')]);
    assert.equal(ids.filter((id) => id === slot.instanceId).length, 1, JSON.stringify({ ids, slot }));
    const cold = ids.find((id) => id !== slot.instanceId)!;
    for (const id of ids) await waitForStatus(leader, id, ['RUNNING']);
    assert.equal(pod(slot.instanceId).metadata.uid, warmUid);
    assert.notEqual(pod(cold).metadata.uid, warmUid);
  });
});
