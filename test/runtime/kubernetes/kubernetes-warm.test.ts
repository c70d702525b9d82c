/**
 * Warm Pods through the service on the fake cluster (`runtime.driver: 'kubernetes'`): a flavor with
 * `warm: 1` keeps a ready Pod made ahead, a create takes its id and its start the Pod itself (no
 * new Pod), the slot is replaced in the background, warm Pods count against the flavor's capacity
 * and give their slot up to instances, the profile's image is pre-pulled on the general nodes and
 * each pool's, and a service restarted with `warm: 0` removes the warm Pods and pre-pull sets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../../src/core/model/builtin-catalog.js';
import type { WarmSlot } from '../../../src/core/ports/runtime.js';
import { resourceNames } from '../../../src/runtime/kubernetes/resource-names.js';
import { CPU_PROFILE } from '../../support/api.js';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { instancePod } from '../../support/kubernetes/instance-pod.js';
import { writeKubeconfig } from '../../support/kubernetes/kubeconfig-file.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../../support/test-app.js';

const NAMESPACE = 'demanager-warm';
const flavor = (warm: number) =>
  completeFlavor({
    name: 'modelarts.vm.cpu.warm',
    type: 'CPU',
    params: { CPU: 1, memory: '4GiB' },
    promo_type: 'Free',
    capacity: 2,
    warm,
  });

describe('warm Pods through the service on the kubernetes runtime (fake cluster)', () => {
  let cluster: FakeCluster;
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'demanager-k8s-warm-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'demanager-k8s-warm-data-'));
  const kubeconfig = join(dir, 'kubeconfig');
  /** Instances left running by the first test for the second. */
  const running: string[] = [];

  const start = (warm: number) =>
    startTestApp({
      dataDir,
      logLevel: (process.env.DEBUG_WARM as 'info') ?? 'silent',
      runtime: {
        driver: 'kubernetes',
        kubernetes: { kubeconfig, namespace: NAMESPACE, registry: 'swr.example.com', unschedulableSeconds: 0 },
      },
      catalog: { profiles: [{ id: CPU_PROFILE, flavor_types: ['CPU'] }], flavors: [flavor(warm)] },
    });

  before(async () => {
    cluster = await startFakeCluster();
    writeKubeconfig(kubeconfig, cluster.server);
    t = await start(1);
  });
  after(async () => {
    await t.stop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pod = (id: string) => instancePod(cluster, NAMESPACE, id);
  const warmPods = () =>
    cluster
      .objects('pods', NAMESPACE)
      .filter((p) => p.metadata.labels['demanager.io/warm'] === 'true' && !p.metadata.deletionTimestamp);
  const sets = () => cluster.objects('daemonsets', NAMESPACE);

  /** Waits until the driver reports one ready slot, other than `not`. */
  async function readySlot(not: string[] = []): Promise<WarmSlot> {
    for (let i = 0; i < 500; i++) {
      const slot = ((await t.app.services.driver.warm?.slots()) ?? []).find(
        (s) => s.ready && !not.includes(s.instanceId),
      );
      if (slot) return slot;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const slots = await t.app.services.driver.warm?.slots();
    const pods = cluster.objects('pods', NAMESPACE).map((p) => [p.metadata.name, p.metadata.labels, p.status.phase]);
    throw new Error(`no ready warm slot: ${JSON.stringify({ slots, pods })}`);
  }

  async function createOn(name: string): Promise<string> {
    const res = await t.http('POST', t.instances(), { body: cpuBody(name, flavor(1).name) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id as string;
  }

  it('hands a ready warm Pod to a create, replaces it, counts it against capacity, and pre-pulls its image', async () => {
    const first = await readySlot();
    assert.equal(first.flavor, flavor(1).name);
    assert.equal(first.profileId, CPU_PROFILE);
    const firstUid = pod(first.instanceId).metadata.uid as string;

    const a = await createOn('warm-a');
    assert.equal(a, first.instanceId, 'the create took the slot’s id');
    await waitForStatus(t, a, ['RUNNING']);
    assert.equal(pod(a).metadata.uid, firstUid, 'the warm Pod serves the instance: none was made for it');
    assert.equal(pod(a).metadata.labels['demanager.io/warm'], undefined);
    assert.equal(pod(a).metadata.labels['demanager.io/project'], t.projectId);

    // Replaced in the background: the instance and the new warm Pod fill the capacity of 2.
    const second = await readySlot([a]);
    const b = await createOn('warm-b');
    assert.equal(b, second.instanceId);
    await waitForStatus(t, b, ['RUNNING']);
    running.push(b);
    await t.app.services.warm!.settle();
    assert.deepEqual(await t.app.services.driver.warm!.slots(), [], 'no room for another warm Pod');
    assert.deepEqual(warmPods(), []);

    // The image of the warm profile is pulled on the general nodes and on every pool's.
    const { namespace, image_name, image_tag } = t.app.services.catalog.profile(CPU_PROFILE)!.provision.spec.params;
    const image = `swr.example.com/${namespace}/${image_name}:${image_tag}`;
    assert.equal(sets().length, 1 + BUILTIN_CATALOG.pools.length);
    assert.ok(sets().every((s) => s.spec.template.spec.initContainers[0].image === image));

    // A deleted instance frees its slot: a warm Pod takes it again, and nothing of the instance is left.
    const stop = await t.http('POST', `${t.instances()}/${a}/action`, { body: { action: 'stop' } });
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    await waitForStatus(t, a, ['STOPPED']);
    const removed = await t.http('DELETE', `${t.instances()}/${a}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const third = await readySlot([a, b]);
    await eventually(() => !pod(a), 'the deleted instance’s Pod gone');
    assert.equal(warmPods().length, 1);
    assert.equal(warmPods()[0].metadata.annotations['demanager.io/instance-id'], third.instanceId);
  });

  it('leaves its slot to a create the warm Pod can serve: one with a larger volume gets a Pod of its own', async () => {
    const slot = await readySlot(running);
    const warmUid = pod(slot.instanceId).metadata.uid as string;
    const body = cpuBody('warm-large', flavor(1).name);
    const res = await t.http('POST', t.instances(), {
      body: { ...body, spec: { ...body.spec, storage: { type: 'evs', location: { volume_size: 10 } } } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const large = res.body.id as string;
    assert.notEqual(large, slot.instanceId, 'the create did not take the slot');
    await waitForStatus(t, large, ['RUNNING']);
    assert.notEqual(pod(large).metadata.uid, warmUid);
    assert.equal(
      cluster.objects('persistentvolumeclaims', NAMESPACE).find((c) => c.metadata.name === resourceNames(large).claim)
        ?.spec.resources.requests.storage,
      '10Gi',
    );
    // Its instance needs the slot the warm Pod held (capacity 2): that one goes. Deleted, it comes back.
    await eventually(() => !pod(slot.instanceId), 'the warm Pod gives its slot up');
    assert.equal((await t.http('POST', `${t.instances()}/${large}/action`, { body: { action: 'stop' } })).status, 200);
    await waitForStatus(t, large, ['STOPPED']);
    assert.equal((await t.http('DELETE', `${t.instances()}/${large}`)).status, 200);
    await readySlot(running);
  });

  it('a service restarted with warm: 0 removes its warm Pods and pre-pull sets, and leaves instances running', async () => {
    const b = running[0]!;
    assert.equal(warmPods().length, 1);
    await t.stop(false);
    t = await start(0);
    await eventually(
      () => warmPods().length === 0 && sets().length === 0,
      'warm Pods and pre-pull sets removed',
      10_000,
    );
    assert.equal((await waitForStatus(t, b, ['RUNNING'])).status, 'RUNNING');
    assert.ok(pod(b), 'the instance’s Pod stays');
  });
});
