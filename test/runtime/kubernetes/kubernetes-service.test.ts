/**
 * The service with `runtime.driver: 'kubernetes'` (built from a kubeconfig file, as an operator
 * configures it) on the fake cluster, through the public API: instances run as Pods, a Pod deleted
 * from outside makes its instance UNAVAILABLE, and a start no node has room for fails with 6360 or,
 * on a flavor that queues, waits in line until there is room.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../../src/core/model/builtin-catalog.js';
import { resourceNames } from '../../../src/runtime/kubernetes/resource-names.js';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { writeKubeconfig } from '../../support/kubernetes/kubeconfig-file.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../../support/test-app.js';

const NAMESPACE = 'demanager-e2e';
const LINE = completeFlavor({
  name: 'modelarts.vm.cpu.line',
  type: 'CPU',
  params: { CPU: 1, memory: '4GiB' },
  promo_type: 'Free',
  capacity: 2,
  queues: true,
});

describe('service on the kubernetes runtime (fake cluster)', () => {
  let cluster: FakeCluster;
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'demanager-k8s-e2e-'));

  before(async () => {
    cluster = await startFakeCluster();
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, cluster.server);
    t = await startTestApp({
      runtime: {
        driver: 'kubernetes',
        kubernetes: { kubeconfig, namespace: NAMESPACE, registry: 'swr.example.com', unschedulableSeconds: 0 },
      },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, LINE] },
    });
  });
  after(async () => {
    await t.stop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const act = (id: string, action: string) => t.http('POST', `${t.instances()}/${id}/action`, { body: { action } });
  const pods = () => cluster.objects('pods', NAMESPACE).map((p) => p.metadata.name as string);

  it('runs an instance as a Pod behind its Service, stops it keeping its claim, and deletes everything with it', async () => {
    const id = (await t.http('POST', t.instances(), { body: cpuBody('on-k8s', 'modelarts.vm.cpu.2u') })).body
      .id as string;
    const running = await waitForStatus(t, id, ['RUNNING']);
    const names = resourceNames(id);
    assert.ok(pods().includes(names.pod));
    assert.deepEqual(
      cluster.objects('pods', NAMESPACE).find((p) => p.metadata.name === names.pod).spec.containers[0].resources.limits,
      { cpu: '2', memory: '8Gi' },
    );
    assert.match(running.spec.annotations.url ?? running.url ?? '', new RegExp(`/notebook/${id}/`));
    const history = (await t.http('GET', `${t.instances()}/${id}/events?limit=100`)).body.events as {
      kind: string;
      detail: { message?: string } | null;
    }[];
    assert.ok(
      history.some((e) => e.kind === 'progress' && /pulling image "swr\.example\.com\//i.test(e.detail?.message ?? '')),
      'cluster events reach the history',
    );

    await act(id, 'stop');
    await waitForStatus(t, id, ['STOPPED']);
    assert.ok(!pods().includes(names.pod));
    assert.ok(cluster.objects('persistentvolumeclaims', NAMESPACE).some((c) => c.metadata.name === names.claim));
    await t.http('DELETE', `${t.instances()}/${id}`);
    assert.equal((await waitForStatus(t, id, ['GONE'])).error.error_code, 'ModelArts.6309');
    // A claim goes a moment after its delete, once its protection finalizer is dropped.
    await eventually(
      () => !cluster.objects('persistentvolumeclaims', NAMESPACE).some((c) => c.metadata.name === names.claim),
      'the claim gone',
    );
    for (const kind of ['pods', 'services', 'secrets', 'persistentvolumeclaims'] as const) {
      assert.deepEqual(
        cluster.objects(kind, NAMESPACE).filter((o) => Object.values(names).includes(o.metadata.name)),
        [],
        kind,
      );
    }
  });

  it('a Pod deleted from outside leaves its instance UNAVAILABLE, saying so', async () => {
    const id = (await t.http('POST', t.instances(), { body: cpuBody('deleted-outside', 'modelarts.vm.cpu.2u') })).body
      .id as string;
    await waitForStatus(t, id, ['RUNNING']);
    cluster.kubelet.deleteFromOutside(resourceNames(id).pod, NAMESPACE);
    const down = await waitForStatus(t, id, ['UNAVAILABLE']);
    assert.match(down.spec.failed_reasons.message, /deleted outside demanager/);
  });

  it('a Pod no node has room for: START_FAILED with 6360 on a flavor that does not queue, back in line on one that does', async () => {
    const lift = cluster.kubelet.inject((pod) => pod.metadata.namespace === NAMESPACE, 'unschedulable');
    const plain = (await t.http('POST', t.instances(), { body: cpuBody('no-room', 'modelarts.vm.cpu.8u') })).body
      .id as string;
    const failed = await waitForStatus(t, plain, ['CREATE_FAILED']);
    assert.equal(failed.error_code, 'ModelArts.6360');
    assert.match(failed.spec.failed_reasons.message, /^No node has enough free CPU for this flavor/);

    const queued = (await t.http('POST', t.instances(), { body: cpuBody('waits-for-room', LINE.name) })).body
      .id as string;
    let history: { kind: string; to_status: string }[] = [];
    for (let i = 0; i < 500 && !history.some((e) => e.kind === 'requeue' && e.to_status === 'CREATE_QUEUING'); i++) {
      history = (await t.http('GET', `${t.instances()}/${queued}/events?limit=500`)).body.events;
    }
    assert.ok(
      history.some((e) => e.kind === 'requeue' && e.to_status === 'CREATE_QUEUING'),
      'back in its line',
    );
    lift();
    const running = await waitForStatus(t, queued, ['RUNNING']);
    assert.equal(running.spec.failed_reasons, null, 'the reason goes once it runs');
  });

  it('takes 50 instances through create, stop, start and delete with failed pulls, Pods deleted from outside and a kubelet restart, and leaves nothing behind', async () => {
    const ids: string[] = [];
    const failing: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = (await t.http('POST', t.instances(), { body: cpuBody(`soak-${i}`, 'modelarts.vm.cpu.2u') })).body
        .id as string;
      ids.push(id);
      // At once, while its Pod is at most being made: after all 50 creates (slower on PostgreSQL,
      // whose writes wait for every replica to hear them) every Pod had already pulled its image.
      if (i % 10 === 3) {
        failing.push(id);
        cluster.kubelet.inject(resourceNames(id).pod, 'image-pull');
      }
    }
    const all = (statuses: string[]) => Promise.all(ids.map((id) => waitForStatus(t, id, statuses)));
    const settled = await all(['RUNNING', 'CREATE_FAILED']);
    // An injection may come after its Pod already ran; every one that came in time failed the start.
    for (const [i, instance] of settled.entries())
      if (!failing.includes(ids[i]!)) assert.equal(instance.status, 'RUNNING', ids[i]);
    assert.ok(
      settled.some(
        (instance) =>
          instance.status === 'CREATE_FAILED' && /cannot be pulled/.test(instance.spec.failed_reasons.message),
      ),
    );

    // Pods of running instances deleted from outside (a drained node): those instances become UNAVAILABLE.
    const running = ids.filter((_, i) => settled[i]!.status === 'RUNNING');
    const drained = running.filter((_, i) => i % 9 === 0);
    for (const id of drained) cluster.kubelet.deleteFromOutside(resourceNames(id).pod, NAMESPACE);
    await Promise.all(drained.map((id) => waitForStatus(t, id, ['UNAVAILABLE'])));

    cluster.kubelet.stop();
    for (const id of running) if (!drained.includes(id)) await act(id, 'stop');
    await new Promise((r) => setTimeout(r, 50));
    cluster.kubelet.start(); // a restarted node agent finishes the stops it missed
    await all(['STOPPED', 'CREATE_FAILED', 'UNAVAILABLE']);

    cluster.kubelet.clearInjections();
    for (const id of ids) await act(id, 'start');
    await all(['RUNNING']);
    for (const id of ids) await act(id, 'stop');
    await all(['STOPPED']);
    for (const id of ids) await t.http('DELETE', `${t.instances()}/${id}`);
    await all(['GONE']);
    const ours = (kind: 'pods' | 'services' | 'secrets' | 'persistentvolumeclaims') =>
      cluster
        .objects(kind, NAMESPACE)
        .filter((o) => ids.includes(o.metadata.annotations?.['demanager.io/instance-id']));
    await eventually(() => ours('persistentvolumeclaims').length === 0, 'the claims gone');
    for (const kind of ['pods', 'services', 'secrets', 'persistentvolumeclaims'] as const)
      assert.deepEqual(ours(kind), [], kind);
  });
});
