/**
 * The Kubernetes driver against the in-process fake cluster (API server + kubelet): every API call
 * goes over HTTP in the real wire format, Pods move through the phases a cluster shows, and
 * failures are injected per Pod. What only a real cluster proves is listed in the README.
 */
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../../src/core/model/builtin-catalog.js';
import { Catalog } from '../../../src/core/model/catalog.js';
import { ManualClock, systemClock, type Clock } from '../../../src/core/shared/clock.js';
import type { Instance, RuntimeState } from '../../../src/core/model/instance.js';
import { WorkloadError, type Workload } from '../../../src/core/ports/runtime.js';
import { KUBERNETES_API_USAGE } from '../../../src/runtime/kubernetes/api-usage.js';
import { KubernetesDriver, type KubernetesDriverOptions } from '../../../src/runtime/kubernetes/kubernetes-driver.js';
import { resourceNames } from '../../../src/runtime/kubernetes/resource-names.js';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { testClusterSettings, testInstance, testWorkload } from './k8s-fixtures.js';

const silent = { info() {}, warn() {}, error() {} };
const KINDS = ['pods', 'services', 'secrets', 'persistentvolumeclaims'] as const;

let serial = 0;
/** Each test's driver works in a namespace of its own, so the shared cluster never mixes their objects. */
let NAMESPACE = 'notebooks-0';

function instance(overrides: Partial<Instance> = {}): Instance {
  serial += 1;
  return testInstance({ id: `DE-0c3f9a52-8e1d-4b7a-a1c4-${String(serial).padStart(12, '0')}`, ...overrides });
}

/** The workload as the reconciler hands it over: the runtime state of its last start, progress collected. */
function workloadOf(subject: Instance, runtime: RuntimeState | null = null, progress: string[] = []): Workload {
  return testWorkload({ ...subject, runtime }, (message) => progress.push(message));
}

function objectsOf(cluster: FakeCluster, instanceId: string): Record<(typeof KINDS)[number], string[]> {
  const names = Object.values(resourceNames(instanceId));
  const of = (kind: (typeof KINDS)[number]) =>
    cluster
      .objects(kind, NAMESPACE)
      .map((o) => o.metadata.name as string)
      .filter((name) => names.includes(name));
  return {
    pods: of('pods'),
    services: of('services'),
    secrets: of('secrets'),
    persistentvolumeclaims: of('persistentvolumeclaims'),
  };
}

/** What objectsOf shows for an instance with a Pod, its Service, Secret and claim. */
function everyObject(instanceId: string): Record<(typeof KINDS)[number], string[]> {
  const names = resourceNames(instanceId);
  return {
    pods: [names.pod],
    services: [names.service],
    secrets: [names.secret],
    persistentvolumeclaims: [names.claim],
  };
}

/** Claims go a moment after their delete, once the volume controller drops their protection finalizer. */
async function allGone(cluster: FakeCluster, instanceId: string): Promise<void> {
  await eventually(
    () => Object.values(objectsOf(cluster, instanceId)).every((names) => names.length === 0),
    `every object of ${instanceId} gone`,
  );
}

describe('Kubernetes driver on the fake cluster', () => {
  let cluster: FakeCluster;
  const drivers: KubernetesDriver[] = [];

  function driver(options: Partial<KubernetesDriverOptions> & { clock?: Clock } = {}): KubernetesDriver {
    const made = new KubernetesDriver({
      ...testClusterSettings({ namespace: NAMESPACE, imagePullSecrets: [] }),
      kubeConfig: cluster.kubeConfig(NAMESPACE),
      secretFor: (instanceId, runId) => `token-of-${instanceId}-${runId}`.slice(-32),
      unschedulableMs: 0,
      clock: systemClock,
      log: silent,
      watchRetryMs: 10,
      ...options,
    });
    drivers.push(made);
    return made;
  }

  before(async () => {
    cluster = await startFakeCluster();
  });
  beforeEach(() => {
    NAMESPACE = `notebooks-${serial}`;
  });
  afterEach(async () => {
    cluster.kubelet.clearInjections();
    if (!cluster.kubelet.running) cluster.kubelet.start();
    await Promise.all(drivers.splice(0).map((d) => d.close()));
  });
  after(async () => {
    await cluster.close();
  });

  it('runs the whole lifecycle: prepare, start, poll, stop (claim kept), start again, remove (nothing left)', async () => {
    const k8s = driver();
    const subject = instance();
    const names = resourceNames(subject.id);
    const progress: string[] = [];
    await k8s.prepare(workloadOf(subject, null, progress), new AbortController().signal);
    assert.deepEqual(
      cluster.objects('persistentvolumeclaims', NAMESPACE).find((c) => c.metadata.name === names.claim)?.spec.resources
        .requests,
      { storage: '5Gi' },
    );
    await k8s.prepare(workloadOf(subject), new AbortController().signal); // idempotent

    const first = await k8s.start(workloadOf(subject, null, progress), new AbortController().signal);
    assert.equal(first.endpoint, `http://${names.service}.${NAMESPACE}.svc.cluster.local:8888`);
    assert.equal(first.data.pod, names.pod);
    assert.match(String(first.data.runId), /^[0-9a-f]{16}$/);
    const secret = cluster.objects('secrets', NAMESPACE).find((s) => s.metadata.name === names.secret);
    assert.equal(
      Buffer.from(secret.data.token, 'base64').toString(),
      `token-of-${subject.id}-${String(first.data.runId)}`.slice(-32),
    );
    assert.ok(progress.includes('creating the notebook Pod'), progress.join(' | '));
    assert.ok(
      progress.some((m) => /^pulling image "swr\.example\.com\/atelier\/mul-kernel-cpu-cp36:2\.0\.5-B003"/i.test(m)),
      progress.join(' | '),
    );
    assert.deepEqual(await k8s.poll(workloadOf(subject, first)), { state: 'running' });

    await k8s.stop(workloadOf(subject, first));
    assert.deepEqual(objectsOf(cluster, subject.id), {
      pods: [],
      services: [names.service],
      secrets: [],
      persistentvolumeclaims: [names.claim],
    });
    assert.deepEqual(await k8s.poll(workloadOf(subject, first)), {
      state: 'exited',
      code: null,
      reason: 'the notebook Pod was deleted outside demanager',
    });
    await k8s.stop(workloadOf(subject, first)); // nothing runs: a no-op

    const second = await k8s.start(workloadOf(subject), new AbortController().signal);
    assert.notEqual(second.data.runId, first.data.runId);
    assert.notEqual(second.data.uid, first.data.uid);
    assert.deepEqual(await k8s.poll(workloadOf(subject, second)), { state: 'running' });
    assert.equal((await k8s.poll(workloadOf(subject, first))).state, 'exited', 'the first run is over');

    await k8s.stop(workloadOf(subject, second));
    await k8s.remove(workloadOf(subject, second));
    assert.deepEqual(objectsOf(cluster, subject.id).pods, []);
    await allGone(cluster, subject.id);
  });

  it('remove does not wait for a Pod that cannot finish stopping; everything goes once it can', async () => {
    const k8s = driver();
    const subject = instance();
    await k8s.prepare(workloadOf(subject), new AbortController().signal);
    const state = await k8s.start(workloadOf(subject), new AbortController().signal);
    cluster.kubelet.stop(); // a node that does not answer: its Pod stays terminating
    await k8s.remove(workloadOf(subject, state));
    const deletes = cluster
      .calls()
      .filter((call) => call.verb === 'delete')
      .map((call) => call.resource);
    assert.deepEqual(deletes.slice(-4), ['pods', 'services', 'secrets', 'persistentvolumeclaims']);
    cluster.kubelet.start();
    await allGone(cluster, subject.id);
  });

  // Crash loops and OOM kills during a start are read from recorded Pods (pod-status.test.ts): the fake
  // kubelet marks a container Ready the moment it starts, so on it they show as exits after a start.
  it('explains a failed image pull and a Pod no node can take in plain words with their codes', async () => {
    const k8s = driver();
    const cases = [
      [
        'image-pull',
        'ModelArts.6361',
        /^The image swr\.example\.com\/atelier\/mul-kernel-cpu-cp36:2\.0\.5-B003 cannot be pulled \((ErrImagePull|ImagePullBackOff)\)/,
      ],
      [
        'unschedulable',
        'ModelArts.6360',
        /^No node has enough free CPU for this flavor \(0\/3 nodes are available: 3 Insufficient cpu/,
      ],
    ] as const;
    for (const [failure, code, message] of cases) {
      const subject = instance();
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      cluster.kubelet.inject(resourceNames(subject.id).pod, failure);
      const error = await k8s.start(workloadOf(subject), new AbortController().signal).then(
        () => assert.fail(`${failure}: the start succeeded`),
        (err: unknown) => err,
      );
      assert.ok(error instanceof WorkloadError, `${failure}: ${String(error)}`);
      assert.equal(error.code, code, failure);
      assert.match(error.message, message, failure);
      await k8s.stop(workloadOf(subject));
      await k8s.remove(workloadOf(subject));
    }
  });

  it('waits unschedulableMs of its clock for a node, saying so, before failing with 6360', async () => {
    const clock = new ManualClock();
    const k8s = driver({ clock, unschedulableMs: 60_000 });
    const subject = instance();
    await k8s.prepare(workloadOf(subject), new AbortController().signal);
    cluster.kubelet.inject(resourceNames(subject.id).pod, 'unschedulable');
    const progress: string[] = [];
    const start = k8s.start(workloadOf(subject, null, progress), new AbortController().signal);
    const outcome = start.then(
      () => 'started',
      (err: unknown) => err,
    );
    await eventually(
      () => progress.some((m) => m.startsWith('No node has enough free CPU')),
      'the unschedulable progress message',
    );
    clock.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await Promise.race([outcome, 'pending']), 'pending', 'still waiting before the grace has passed');
    clock.advance(1);
    const error = await outcome;
    assert.ok(error instanceof WorkloadError);
    assert.equal(error.code, 'ModelArts.6360');
    await k8s.remove(workloadOf(subject));
  });

  it('a start aborted by its signal stops waiting at once; a later start adopts the Pod it created', async () => {
    const k8s = driver();
    const subject = instance();
    await k8s.prepare(workloadOf(subject), new AbortController().signal);
    cluster.kubelet.stop();
    const abort = new AbortController();
    const progress: string[] = [];
    const start = k8s.start(workloadOf(subject, null, progress), abort.signal);
    // The driver has seen its Pod once it tells how the Pod is doing.
    await eventually(() => progress.some((m) => /scheduler|container/.test(m)), 'the Pod seen by the driver');
    abort.abort(new Error('reconciler stopped'));
    await assert.rejects(start, /reconciler stopped/);
    const creates = () => cluster.calls().filter((c) => c.verb === 'create' && c.resource === 'pods').length;
    const before = creates();
    cluster.kubelet.start();
    const state = await k8s.start(workloadOf(subject), new AbortController().signal);
    assert.equal(creates(), before, 'no second Pod');
    assert.equal(
      state.data.uid,
      cluster.objects('pods', NAMESPACE).find((p) => p.metadata.name === resourceNames(subject.id).pod).metadata.uid,
    );
    await k8s.stop(workloadOf(subject, state));
    await k8s.remove(workloadOf(subject, state));
  });

  it('reports a Pod deleted from outside through watchExits, and none of its own stops', async () => {
    const k8s = driver();
    const exits: { id: string; reason: string }[] = [];
    k8s.watchExits((id, exit) => exits.push({ id, reason: exit.reason }));
    const outside = instance();
    const stopped = instance();
    const runs: RuntimeState[] = [];
    for (const subject of [outside, stopped]) {
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      runs.push(await k8s.start(workloadOf(subject), new AbortController().signal));
    }
    await k8s.stop(workloadOf(stopped, runs[1]!));
    cluster.kubelet.deleteFromOutside(resourceNames(outside.id).pod, NAMESPACE);
    await eventually(() => exits.length > 0, 'the exit report');
    assert.deepEqual(exits, [{ id: outside.id, reason: 'the notebook Pod was deleted outside demanager' }]);
    await k8s.remove(workloadOf(outside));
    await k8s.remove(workloadOf(stopped));
  });

  it('reports a running notebook that crashes and one killed for memory', async () => {
    const k8s = driver();
    const exits = new Map<string, string>();
    let reports = 0;
    k8s.watchExits((id, exit) => {
      reports += 1;
      exits.set(id, exit.reason);
    });
    const crashing = instance();
    const hungry = instance();
    for (const subject of [crashing, hungry]) {
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      await k8s.start(workloadOf(subject), new AbortController().signal);
    }
    cluster.kubelet.inject(resourceNames(crashing.id).pod, 'crash-loop');
    cluster.kubelet.inject(resourceNames(hungry.id).pod, 'oom');
    await eventually(() => exits.size === 2, 'both exits');
    assert.match(exits.get(crashing.id)!, /^the notebook server keeps crashing/);
    assert.match(exits.get(hungry.id)!, /^the notebook server ran out of memory/);
    // A Pod backing off between crashes would hold its node's resources for an instance that is down.
    await eventually(
      () => objectsOf(cluster, crashing.id).pods.length === 0 && objectsOf(cluster, hungry.id).pods.length === 0,
      'the failed Pods deleted',
    );
    assert.equal(reports, 2, 'their deletion is no further exit');
    for (const subject of [crashing, hungry]) await k8s.remove(workloadOf(subject));
  });

  it('a new driver (a restarted service) re-adopts running Pods by name and label', async () => {
    const first = driver();
    const subject = instance();
    await first.prepare(workloadOf(subject), new AbortController().signal);
    const state = await first.start(workloadOf(subject), new AbortController().signal);
    await first.close();

    const second = driver();
    assert.deepEqual(await second.poll(workloadOf(subject, state)), { state: 'running' });
    const creates = cluster.calls().filter((c) => c.verb === 'create' && c.resource === 'pods').length;
    const again = await second.start(workloadOf(subject, state), new AbortController().signal);
    assert.deepEqual(again, state, 'the same run, not a new Pod');
    assert.equal(cluster.calls().filter((c) => c.verb === 'create' && c.resource === 'pods').length, creates);
    await second.stop(workloadOf(subject, state));
    assert.deepEqual(objectsOf(cluster, subject.id).pods, []);
    await second.remove(workloadOf(subject, state));
  });

  it('keeps following the cluster when its watches end, break, or must relist (410 Gone)', async () => {
    const k8s = driver();
    const exits: string[] = [];
    k8s.watchExits((id) => exits.push(id));
    const subjects = [instance(), instance()];
    const states: RuntimeState[] = [];
    for (const subject of subjects) {
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      states.push(await k8s.start(workloadOf(subject), new AbortController().signal));
    }
    const [ended, broken] = subjects as [Instance, Instance];
    const count = (verb: string) => cluster.calls().filter((c) => c.verb === verb && c.resource === 'pods').length;

    const watchesBefore = count('watch');
    cluster.dropWatches(); // a clean end, as on the server's watch timeout: resumed where it was
    cluster.kubelet.deleteFromOutside(resourceNames(ended.id).pod, NAMESPACE);
    await eventually(() => exits.includes(ended.id), 'the exit seen after the watch ended');
    assert.ok(count('watch') > watchesBefore, 'the watch was resumed');

    const listsBefore = count('list');
    cluster.dropWatches({ abrupt: true }); // a broken connection: restarted after a pause...
    cluster.kubelet.deleteFromOutside(resourceNames(broken.id).pod, NAMESPACE);
    cluster.compact(); // ...from a resourceVersion the server no longer keeps: 410 Gone, so it lists again
    await eventually(() => exits.includes(broken.id), 'the exit seen after the relist');
    assert.ok(count('list') > listsBefore, 'the cache was listed again');
    assert.equal((await k8s.poll(workloadOf(broken, states[1]!))).state, 'exited');
    for (const subject of subjects) await k8s.remove(workloadOf(subject));
  });

  it('collectOrphans removes the Pod, Service, Secret and claim of instances the store no longer has, and only those', async () => {
    const k8s = driver();
    const kept = instance();
    const lost = instance();
    const claimOnly = instance({ status: 'STOPPED' });
    for (const subject of [kept, lost]) {
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      await k8s.start(workloadOf(subject), new AbortController().signal);
    }
    await k8s.prepare(workloadOf(claimOnly), new AbortController().signal);
    const asked: string[][] = [];
    const removed = await k8s.collectOrphans(async (ids) => {
      asked.push([...ids].sort());
      return new Set(ids.filter((id) => id === kept.id));
    });
    assert.equal(removed, 2);
    assert.ok([kept.id, lost.id, claimOnly.id].every((id) => asked[0]!.includes(id)));
    for (const id of [lost.id, claimOnly.id]) await allGone(cluster, id);
    assert.deepEqual(objectsOf(cluster, kept.id), everyObject(kept.id));
    assert.equal(await k8s.collectOrphans(async (ids) => new Set(ids)), 0);
    await k8s.remove(workloadOf(kept));
  });

  it("two installations in one namespace: each sees, reports and collects only its own objects, and the other's claim survives", async () => {
    const ours = driver();
    const theirs = driver({ installationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });
    const exits = { ours: [] as string[], theirs: [] as string[] };
    ours.watchExits((id) => exits.ours.push(id));
    theirs.watchExits((id) => exits.theirs.push(id));
    const [ourKept, ourOrphan, theirKept, theirOrphan] = [
      instance(),
      instance(),
      instance({ status: 'STOPPED' }),
      instance({ status: 'STOPPED' }),
    ] as const;
    const states = new Map<string, RuntimeState>();
    for (const [k8s, subject] of [
      [ours, ourKept],
      [ours, ourOrphan],
      [theirs, theirKept],
    ] as const) {
      await k8s.prepare(workloadOf(subject), new AbortController().signal);
      states.set(subject.id, await k8s.start(workloadOf(subject), new AbortController().signal));
    }
    await theirs.prepare(workloadOf(theirOrphan), new AbortController().signal); // a claim alone: a stopped notebook's files

    // Each store holds only its kept instance: the other installation's objects are not even asked about.
    const collect = async (k8s: KubernetesDriver, kept: Instance) => {
      const asked: string[] = [];
      const removed = await k8s.collectOrphans(async (ids) => {
        asked.push(...ids);
        return new Set(ids.filter((id) => id === kept.id));
      });
      return { removed, asked: asked.sort() };
    };
    assert.deepEqual(await collect(ours, ourKept), { removed: 1, asked: [ourKept.id, ourOrphan.id].sort() });
    await allGone(cluster, ourOrphan.id);
    const theirNames = resourceNames(theirKept.id);
    assert.deepEqual(objectsOf(cluster, theirKept.id), {
      pods: [theirNames.pod],
      services: [theirNames.service],
      secrets: [theirNames.secret],
      persistentvolumeclaims: [theirNames.claim],
    });
    assert.deepEqual(
      objectsOf(cluster, theirOrphan.id).persistentvolumeclaims,
      [resourceNames(theirOrphan.id).claim],
      "the other installation's claim survives",
    );

    assert.deepEqual(await collect(theirs, theirKept), { removed: 1, asked: [theirKept.id, theirOrphan.id].sort() });
    await allGone(cluster, theirOrphan.id);
    assert.equal(objectsOf(cluster, ourKept.id).persistentvolumeclaims.length, 1);

    // Neither adopts the other's Pod: to each, a run of the other installation is no run of its own.
    assert.deepEqual(await ours.poll(workloadOf(ourKept, states.get(ourKept.id)!)), { state: 'running' });
    assert.equal((await ours.poll(workloadOf(theirKept, states.get(theirKept.id)!))).state, 'exited');
    assert.equal((await theirs.poll(workloadOf(ourKept, states.get(ourKept.id)!))).state, 'exited');

    // Each reports the exits of its own Pods only (and none of the other's collection).
    cluster.kubelet.deleteFromOutside(resourceNames(ourKept.id).pod, NAMESPACE);
    cluster.kubelet.deleteFromOutside(theirNames.pod, NAMESPACE);
    await eventually(() => exits.ours.length > 0 && exits.theirs.length > 0, 'both exits');
    await cluster.kubelet.settle();
    assert.deepEqual(exits, { ours: [ourKept.id], theirs: [theirKept.id] });
    await ours.remove(workloadOf(ourKept));
    await theirs.remove(workloadOf(theirKept));
  });

  it('reads the notebook log through the Pod log API, the run’s token masked, and none once the Pod is gone', async () => {
    const k8s = driver();
    const subject = instance();
    const signal = new AbortController().signal;
    assert.equal(await k8s.logs(workloadOf(subject), 10), null, 'no Pod yet');
    await k8s.prepare(workloadOf(subject), signal);
    const state = await k8s.start(workloadOf(subject), signal);
    const token = `token-of-${subject.id}-${String(state.data.runId)}`.slice(-32);
    const link = `http://127.0.0.1:8888/notebook/${subject.id}/lab`;
    cluster.writeLog(
      NAMESPACE,
      resourceNames(subject.id).pod,
      `[I ServerApp] Jupyter Server 2.14.2 is running at:\n[I ServerApp] ${link}?token=${token}\nline a\nline b\n`,
    );
    assert.deepEqual(await k8s.logs(workloadOf(subject, state), 100), {
      lines: [
        '[I ServerApp] Jupyter Server 2.14.2 is running at:',
        `[I ServerApp] ${link}?token=[redacted]`,
        'line a',
        'line b',
      ],
      truncated: false,
    });
    assert.deepEqual(await k8s.logs(workloadOf(subject, state), 2), { lines: ['line a', 'line b'], truncated: true });
    await k8s.stop(workloadOf(subject, state));
    assert.equal(await k8s.logs(workloadOf(subject), 10), null, 'the log went with the Pod');
    await k8s.remove(workloadOf(subject));
  });

  describe('warm Pods', () => {
    const profile = BUILTIN_CATALOG.profiles.find((p) => p.id === 'Multi-Engine 1.0 (python3)-cpu')!;
    const flavor = { ...BUILTIN_CATALOG.flavors.find((f) => f.name === 'modelarts.vm.cpu.2u')!, warm: 1 };
    const slotOf = (subject: Instance) => ({ instanceId: subject.id, flavor: flavor.name, profileId: profile.id });
    const warmUp = (k8s: KubernetesDriver, subject: Instance) =>
      k8s.warm.warmUp(slotOf(subject), profile, flavor, new AbortController().signal);
    const podOf = (id: string) =>
      cluster.objects('pods', NAMESPACE).find((p) => p.metadata.name === resourceNames(id).pod);
    const podCreates = () => cluster.calls().filter((c) => c.verb === 'create' && c.resource === 'pods').length;

    it('a start of a slot’s id takes its ready Pod over in one label patch: no new Pod, the slot gone', async () => {
      const k8s = driver();
      const subject = instance();
      await warmUp(k8s, subject);
      const names = resourceNames(subject.id);
      assert.deepEqual(objectsOf(cluster, subject.id), everyObject(subject.id));
      assert.equal(podOf(subject.id).metadata.labels['demanager.io/warm'], 'true');
      assert.equal(podOf(subject.id).metadata.labels['demanager.io/project'], '', 'no project before a create');
      assert.deepEqual(await k8s.warm.slots(), [{ ...slotOf(subject), ready: true }]);

      const warmUid = podOf(subject.id).metadata.uid as string;
      const creates = podCreates();
      const progress: string[] = [];
      await k8s.prepare(workloadOf(subject, null, progress), new AbortController().signal);
      const state = await k8s.start(workloadOf(subject, null, progress), new AbortController().signal);
      assert.equal(podCreates(), creates, 'no Pod made by the start');
      assert.equal(state.data.uid, warmUid);
      assert.ok(progress.includes('taking over a notebook Pod started ahead'), progress.join(' | '));
      const labels = podOf(subject.id).metadata.labels;
      assert.equal(labels['demanager.io/warm'], undefined);
      assert.equal(labels['demanager.io/project'], subject.projectId);
      const secret = cluster.objects('secrets', NAMESPACE).find((s) => s.metadata.name === names.secret);
      assert.equal(
        Buffer.from(secret.data.token, 'base64').toString(),
        `token-of-${subject.id}-${String(state.data.runId)}`.slice(-32),
        'the token of the warm run is the instance’s',
      );
      assert.deepEqual(await k8s.poll(workloadOf(subject, state)), { state: 'running' });
      assert.deepEqual(await k8s.warm.slots(), [], 'handed over: no longer a slot');
      await k8s.warm.coolDown(subject.id); // a slot handed over is the instance's: a no-op
      assert.equal(podOf(subject.id)?.metadata.uid, warmUid);
      await k8s.remove(workloadOf(subject, state));
      await allGone(cluster, subject.id);
    });

    it('an instance the warm Pod does not fit (obs storage, a larger volume) gets its own Pod and claim', async () => {
      const k8s = driver();
      const larger = instance({
        spec: { ...instance().spec, storage: { type: 'evs', location: { volume_size: 20 } } },
      });
      const onObs = instance({
        spec: { ...instance().spec, storage: { type: 'obs', location: { path: '/bucket/dir/' } } },
      });
      // The operator's object store volume, which an obs instance mounts a directory of.
      await cluster
        .kubeConfig(NAMESPACE)
        .makeApiClient(CoreV1Api)
        .createNamespacedPersistentVolumeClaim({
          namespace: NAMESPACE,
          body: {
            metadata: { name: 'obs-bucket' },
            spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Ti' } } },
          },
        });
      for (const subject of [larger, onObs]) {
        await warmUp(k8s, subject);
        const warmUid = podOf(subject.id).metadata.uid as string;
        const progress: string[] = [];
        await k8s.prepare(workloadOf(subject, null, progress), new AbortController().signal);
        assert.ok(
          progress.some((m) => /does not fit this instance/.test(m)),
          progress.join(' | '),
        );
        const state = await k8s.start(workloadOf(subject), new AbortController().signal);
        assert.notEqual(state.data.uid, warmUid);
        assert.equal(podOf(subject.id).metadata.labels['demanager.io/warm'], undefined);
        const claims = cluster
          .objects('persistentvolumeclaims', NAMESPACE)
          .filter((c) => c.metadata.name === resourceNames(subject.id).claim);
        assert.deepEqual(
          claims.map((c) => c.spec.resources.requests.storage),
          subject === larger ? ['20Gi'] : [],
          'the claim of the instance’s own size, or none for obs',
        );
        await k8s.remove(workloadOf(subject, state));
        await allGone(cluster, subject.id);
      }
    });

    it('coolDown removes a slot’s Pod, Service, Secret and claim; a failed warm Pod leaves the slots', async () => {
      const k8s = driver();
      const cooled = instance();
      const failing = instance();
      await warmUp(k8s, cooled);
      await k8s.warm.coolDown(cooled.id);
      await allGone(cluster, cooled.id);
      await k8s.warm.coolDown(cooled.id); // gone: a no-op

      cluster.kubelet.inject(resourceNames(failing.id).pod, 'image-pull');
      await assert.rejects(warmUp(k8s, failing), WorkloadError);
      assert.ok(podOf(failing.id), 'the failed Pod is still there');
      assert.deepEqual(await k8s.warm.slots(), [], 'a failed slot is not listed, and goes');
      await allGone(cluster, failing.id);
      await k8s.warm.coolDown(failing.id); // what the pool does after a failed warm-up: a no-op by now
    });

    it('a restarted service finds its slots on the cluster; orphan collection leaves them to the pool', async () => {
      const first = driver();
      const kept = instance();
      const podless = instance();
      await warmUp(first, kept);
      await warmUp(first, podless);
      await first.close();
      cluster.kubelet.deleteFromOutside(resourceNames(podless.id).pod, NAMESPACE); // a warm-up cut short
      await eventually(() => !podOf(podless.id), 'the Pod gone');

      const second = driver();
      assert.deepEqual(await second.warm.slots(), [{ ...slotOf(kept), ready: true }]);
      const removed = await second.collectOrphans(async () => new Set());
      assert.equal(removed, 1, 'only what the Pod-less warm-up left');
      await allGone(cluster, podless.id);
      assert.deepEqual(objectsOf(cluster, kept.id).pods, [resourceNames(kept.id).pod]);
      await second.warm.coolDown(kept.id);
      await allGone(cluster, kept.id);
    });

    it('a warm Pod made with settings that changed since (another registry) is removed on taking stock', async () => {
      const catalog = new Catalog(BUILTIN_CATALOG);
      const first = driver({ catalog });
      const subject = instance();
      await warmUp(first, subject);
      assert.deepEqual(await first.warm.slots(), [{ ...slotOf(subject), ready: true }], 'the same settings keep it');
      await first.close();
      const moved = driver({ catalog, registry: 'registry.example.org' });
      assert.deepEqual(await moved.warm.slots(), []);
      await allGone(cluster, subject.id);
    });

    it('pre-pulls warm profiles’ images on the general nodes and each pool’s, and removes the sets when no longer warm', async () => {
      const pool = { id: 'pool-a1', name: 'gpu-pool', type: 'USER_DEFINED', owner_project_id: null, capacity: 4 };
      const warmCatalog = new Catalog({
        ...BUILTIN_CATALOG,
        flavors: BUILTIN_CATALOG.flavors.map((f) => (f.name === flavor.name ? flavor : f)),
        pools: [pool],
      });
      const images = new Set(
        BUILTIN_CATALOG.profiles
          .filter((p) => p.flavor_types.includes('CPU'))
          .map((p) => {
            const { namespace, image_name, image_tag } = p.provision.spec.params;
            return `swr.example.com/${namespace}/${image_name}:${image_tag}`;
          }),
      );
      const sets = () => cluster.objects('daemonsets', NAMESPACE);
      await driver({ catalog: warmCatalog }).warm.slots();
      assert.equal(sets().length, images.size * 2);
      for (const set of sets()) {
        const spec = set.spec.template.spec;
        assert.ok(images.has(spec.initContainers[0].image), spec.initContainers[0].image);
        assert.deepEqual(
          spec.containers.map((c: any) => c.name),
          ['pause'],
        );
        assert.equal(set.metadata.labels['demanager.io/prepull'], 'true');
        assert.deepEqual(set.spec.selector.matchLabels, set.spec.template.metadata.labels);
        if (set.metadata.annotations['demanager.io/pool-id']) {
          assert.deepEqual(spec.nodeSelector, { 'demanager.io/pool': pool.id });
          assert.ok(spec.tolerations.some((t: any) => t.key === 'demanager.io/pool' && t.value === pool.id));
        } else {
          assert.equal(spec.nodeSelector, undefined, 'the general nodes: no selector');
        }
      }
      const names = sets().map((s) => s.metadata.name as string);
      await driver({ catalog: warmCatalog }).warm.slots(); // a restart with the same catalog keeps them
      assert.deepEqual(
        sets().map((s) => s.metadata.name),
        names,
      );
      await driver({ catalog: new Catalog(BUILTIN_CATALOG) }).warm.slots(); // warm lowered to 0
      assert.deepEqual(sets(), []);
    });
  });

  it('makes exactly the API calls api-usage.ts lists: none outside it, and none it lists goes unused', () => {
    const allowed = new Set(
      KUBERNETES_API_USAGE.flatMap((usage) => usage.verbs.map((verb) => `${usage.resource}:${verb}`)),
    );
    const made = new Set(cluster.calls().map((call) => `${call.resource}:${call.verb}`));
    assert.deepEqual(
      [...made].filter((call) => !allowed.has(call)),
      [],
    );
    assert.deepEqual(
      [...allowed].filter((call) => !made.has(call)),
      [],
      'the Role would grant more than the driver uses',
    );
    assert.ok(
      cluster.calls().every((call) => call.namespace?.startsWith('notebooks-')),
      'every call stays in the driver namespace',
    );
  });
});
