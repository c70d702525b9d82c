/**
 * @module test/runtime/kubernetes/fake-kubelet.test
 * The fake kubelet and control plane: every status and Event a driver maps (start, each injected
 * failure, graceful deletion, claim protection, a kubelet restart) in the shape the real API has,
 * read back through client-node where the typed models matter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { claimBody, podBody, podWithStorage } from '../../support/kubernetes/test-objects.js';

const NS = 'kubelet';
const GPU = {
  containers: [
    { name: 'notebook', image: 'registry.example/ai/notebook:1.0', resources: { limits: { 'nvidia.com/gpu': '1' } } },
  ],
};

describe('fake kubelet (manual steps)', () => {
  let cluster: FakeCluster;
  let api: CoreV1Api;
  before(async () => {
    cluster = await startFakeCluster({ kubelet: { manual: true, maxRestarts: 3 } });
    api = cluster.kubeConfig(NS).makeApiClient(CoreV1Api);
  });
  after(() => cluster.close());

  const pod = (name: string) => cluster.objects('pods', NS).find((p) => p.metadata.name === name);
  const events = (name: string) => cluster.objects('events', NS).filter((e) => e.involvedObject.name === name);
  const reasons = (name: string) => events(name).map((e) => e.reason);
  const container = (name: string) => pod(name)?.status.containerStatuses?.[0];
  const create = (body: V1Pod) => api.createNamespacedPod({ namespace: NS, body });

  /** Takes single rounds until `check` holds of the pod, failing if the cluster settles first. */
  function stepUntil(name: string, check: (p: any) => boolean): any {
    while (!check(pod(name))) assert.ok(cluster.kubelet.step() > 0, `pod ${name} settled before the expected state`);
    return pod(name);
  }

  it('starts a pod through Pending to Running with the statuses and Events of a real one', async () => {
    await api.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'tok' }, stringData: { token: 't' } },
    });
    await api.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claimBody('work') });
    await create(podWithStorage('k-happy', 'work', 'tok'));
    await cluster.kubelet.settle();

    const p = pod('k-happy');
    assert.equal(p.status.phase, 'Running');
    assert.equal(p.spec.nodeName, 'node-1');
    assert.equal(p.status.qosClass, 'Guaranteed');
    assert.match(p.status.podIP, /^10\.244\.\d+\.\d+$/);
    assert.equal(p.status.hostIP, '192.168.49.2');
    for (const type of ['PodScheduled', 'Initialized', 'PodReadyToStartContainers', 'ContainersReady', 'Ready']) {
      assert.equal(p.status.conditions.find((c: any) => c.type === type)?.status, 'True', type);
    }
    const c = container('k-happy');
    assert.ok(c.ready && c.started && c.restartCount === 0);
    assert.match(c.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.deepEqual(reasons('k-happy'), ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);

    const claim = cluster.objects('persistentvolumeclaims', NS).find((pvc) => pvc.metadata.name === 'work');
    assert.equal(claim.status.phase, 'Bound');
    assert.equal(claim.status.capacity.storage, '5Gi');
    assert.equal(claim.spec.volumeName, `pvc-${claim.metadata.uid}`);

    // Through client-node's typed models, as the driver reads them.
    const typed = await api.readNamespacedPod({ namespace: NS, name: 'k-happy' });
    assert.ok(typed.status?.containerStatuses?.[0]?.state?.running?.startedAt instanceof Date);
    const list = await api.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'involvedObject.name=k-happy,involvedObject.kind=Pod',
    });
    const [scheduled, pulling] = list.items;
    // The scheduler writes events.k8s.io events: core/v1 shows them with eventTime and no timestamps.
    // client-node leaves a MicroTime as the string it received (it converts only Time fields to Date).
    assert.equal(typeof scheduled?.eventTime, 'string');
    assert.match(String(scheduled?.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(scheduled?.firstTimestamp ?? null, null);
    assert.equal(scheduled?.reportingComponent, 'default-scheduler');
    assert.equal(scheduled?.message, `Successfully assigned ${NS}/k-happy to node-1`);
    assert.ok(pulling?.lastTimestamp instanceof Date);
    assert.equal(pulling?.count, 1);
    assert.deepEqual({ ...pulling?.source }, { component: 'kubelet', host: 'node-1' });
    assert.equal(pulling?.involvedObject.fieldPath, 'spec.containers{notebook}');
    assert.equal(pulling?.involvedObject.uid, p.metadata.uid);
    assert.match(pulling?.metadata.name ?? '', /^k-happy\.[0-9a-f]+$/);
    assert.equal(pulling?.message, 'Pulling image "registry.example/ai/notebook:1.0"');
  });

  it('shows every intermediate status, one step at a time', async () => {
    await create(podBody('k-steps'));
    assert.equal(pod('k-steps').status.phase, 'Pending');
    stepUntil('k-steps', (p) => p.spec.nodeName === 'node-1');
    assert.equal(pod('k-steps').status.containerStatuses, undefined);
    const creating = stepUntil('k-steps', (p) => p.status.containerStatuses);
    assert.equal(creating.status.phase, 'Pending');
    assert.equal(creating.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    const running = stepUntil('k-steps', (p) => p.status.phase === 'Running');
    assert.ok(running.status.containerStatuses[0].state.running.startedAt);
  });

  it('holds a pod in CreateContainerConfigError until its Secret exists', async () => {
    await create(podWithStorage('k-nosecret', 'work', 'later'));
    await cluster.kubelet.settle();
    assert.deepEqual(container('k-nosecret').state, {
      waiting: { reason: 'CreateContainerConfigError', message: 'secret "later" not found' },
    });
    assert.ok(
      events('k-nosecret').some((e) => e.type === 'Warning' && e.message === 'Error: secret "later" not found'),
    );
    await api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'later' } } });
    await cluster.kubelet.settle();
    assert.equal(pod('k-nosecret').status.phase, 'Running');
  });

  it("leaves an unschedulable pod Pending with the scheduler's reason, and schedules it once it fits", async () => {
    const lift = cluster.kubelet.inject('k-gpu', 'unschedulable');
    await create(podBody('k-gpu', {}, GPU));
    await cluster.kubelet.settle();
    const p = pod('k-gpu');
    assert.equal(p.status.phase, 'Pending');
    assert.equal(p.spec.nodeName, undefined);
    const scheduled = p.status.conditions.find((c: any) => c.type === 'PodScheduled');
    assert.equal(scheduled.status, 'False');
    assert.equal(scheduled.reason, 'Unschedulable');
    assert.match(scheduled.message, /^0\/3 nodes are available: 3 Insufficient nvidia\.com\/gpu\./);
    const [failed, ...more] = events('k-gpu');
    assert.equal(more.length, 0);
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.reason, 'FailedScheduling');
    assert.equal(failed.message, scheduled.message);
    lift();
    await cluster.kubelet.settle();
    assert.equal(pod('k-gpu').status.phase, 'Running');
  });

  it('deletes a pod that never reached a node at once', async () => {
    cluster.kubelet.inject('k-never', 'unschedulable');
    await create(podBody('k-never'));
    await cluster.kubelet.settle();
    const answer = await api.deleteNamespacedPod({ namespace: NS, name: 'k-never' });
    assert.equal(answer.metadata?.name, 'k-never');
    assert.equal(pod('k-never'), undefined);
  });

  it('turns a failed pull into ErrImagePull, then ImagePullBackOff, with Failed and BackOff events', async () => {
    cluster.kubelet.inject('k-pull', 'image-pull');
    await create(podBody('k-pull'));
    const pulling = stepUntil(
      'k-pull',
      (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull',
    );
    assert.match(pulling.status.containerStatuses[0].state.waiting.message, /failed to pull and unpack image/);
    await cluster.kubelet.settle();
    assert.equal(container('k-pull').state.waiting.reason, 'ImagePullBackOff');
    assert.equal(pod('k-pull').status.phase, 'Pending');
    const messages = events('k-pull').map((e) => `${e.type} ${e.reason} ${e.message}`);
    assert.ok(
      messages.some((m) => m.startsWith('Warning Failed Failed to pull image "registry.example/ai/notebook:1.0"')),
    );
    assert.ok(messages.includes('Warning Failed Error: ErrImagePull'));
    assert.ok(messages.includes('Normal BackOff Back-off pulling image "registry.example/ai/notebook:1.0"'));
    assert.ok(messages.includes('Warning Failed Error: ImagePullBackOff'));
  });

  it('crash-loops a container: exit 1, CrashLoopBackOff with lastState, growing restartCount and a counted BackOff', async () => {
    cluster.kubelet.inject('k-crash', 'crash-loop');
    await create(podBody('k-crash'));
    const crashed = stepUntil('k-crash', (p) => p.status.containerStatuses?.[0]?.state.terminated);
    assert.equal(crashed.status.containerStatuses[0].state.terminated.exitCode, 1);
    assert.equal(crashed.status.containerStatuses[0].state.terminated.reason, 'Error');
    stepUntil('k-crash', (p) => p.status.containerStatuses[0].restartCount === 1);
    await cluster.kubelet.settle();
    const c = container('k-crash');
    assert.equal(c.state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(c.lastState.terminated.exitCode, 1);
    assert.equal(c.restartCount, 3);
    assert.equal(pod('k-crash').status.phase, 'Running');
    assert.equal(pod('k-crash').status.conditions.find((x: any) => x.type === 'Ready').status, 'False');
    const backOff = events('k-crash').filter((e) => e.reason === 'BackOff');
    assert.equal(backOff.length, 1, 'repeats raise the count of one event');
    assert.equal(backOff[0].count, 4);
    assert.equal(backOff[0].type, 'Warning');
  });

  it('pulls again once the image exists (the injection is lifted)', async () => {
    const lift = cluster.kubelet.inject('k-repull', 'image-pull');
    await create(podBody('k-repull'));
    await cluster.kubelet.settle();
    assert.equal(container('k-repull').state.waiting.reason, 'ImagePullBackOff');
    lift();
    await cluster.kubelet.settle();
    assert.equal(pod('k-repull').status.phase, 'Running');
  });

  it('fails a restartPolicy Never pod for good when its container crashes, and deletes it at once', async () => {
    cluster.kubelet.inject('k-once', 'crash-loop');
    await create(podBody('k-once', {}, { restartPolicy: 'Never' }));
    await cluster.kubelet.settle();
    assert.equal(pod('k-once').status.phase, 'Failed');
    assert.equal(container('k-once').state.terminated.exitCode, 1);
    await api.deleteNamespacedPod({ namespace: NS, name: 'k-once' });
    assert.equal(pod('k-once'), undefined);
  });

  it('does not schedule a pod whose claim does not exist, and says so', async () => {
    await create(podWithStorage('k-noclaim', 'absent', 'tok'));
    await cluster.kubelet.settle();
    const [failed] = events('k-noclaim');
    assert.equal(failed.reason, 'FailedScheduling');
    assert.match(failed.message, /persistentvolumeclaim "absent" not found/);
    await api.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claimBody('absent') });
    await cluster.kubelet.settle();
    assert.equal(pod('k-noclaim').status.phase, 'Running');
  });

  it('OOM-kills a running container: terminated OOMKilled with exit code 137', async () => {
    await create(podBody('k-oom'));
    await cluster.kubelet.settle();
    cluster.kubelet.inject((p) => p.metadata.name === 'k-oom', 'oom');
    const killed = stepUntil('k-oom', (p) => p.status.containerStatuses[0].state.terminated);
    assert.deepEqual(
      [
        killed.status.containerStatuses[0].state.terminated.reason,
        killed.status.containerStatuses[0].state.terminated.exitCode,
      ],
      ['OOMKilled', 137],
    );
    await cluster.kubelet.settle();
    assert.equal(container('k-oom').lastState.terminated.reason, 'OOMKilled');
  });

  it('deletes a running pod gracefully: deletionTimestamp, Killing, terminated containers, then gone', async () => {
    await create(podBody('k-grace'));
    await cluster.kubelet.settle();
    const answer = await api.deleteNamespacedPod({ namespace: NS, name: 'k-grace' });
    assert.ok(answer.metadata?.deletionTimestamp instanceof Date);
    assert.equal(answer.metadata?.deletionGracePeriodSeconds, 30);
    assert.ok(pod('k-grace'), 'still there until the kubelet stops it');
    const stopped = stepUntil('k-grace', (p) => p?.status.containerStatuses[0].state.terminated);
    assert.equal(stopped.status.containerStatuses[0].state.terminated.reason, 'Completed');
    assert.ok(reasons('k-grace').includes('Killing'));
    await cluster.kubelet.settle();
    assert.equal(pod('k-grace'), undefined);
  });

  it('keeps a deleted claim while a pod mounts it, and lets it go with the pod', async () => {
    await api.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claimBody('kept') });
    await create(podWithStorage('k-mounts', 'kept', 'tok'));
    await cluster.kubelet.settle();
    const answer = await api.deleteNamespacedPersistentVolumeClaim({ namespace: NS, name: 'kept' });
    assert.ok(answer.metadata?.deletionTimestamp);
    assert.deepEqual(answer.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
    await cluster.kubelet.settle();
    const claim = () => cluster.objects('persistentvolumeclaims', NS).find((c) => c.metadata.name === 'kept');
    assert.ok(claim()?.metadata.deletionTimestamp, 'protected while mounted');
    await api.deleteNamespacedPod({ namespace: NS, name: 'k-mounts' });
    await cluster.kubelet.settle();
    assert.equal(pod('k-mounts'), undefined);
    assert.equal(claim(), undefined);
  });

  it('freezes pods while the kubelet is stopped and catches up when it starts', async () => {
    await create(podBody('k-before'));
    await cluster.kubelet.settle();
    cluster.kubelet.stop();
    await api.deleteNamespacedPod({ namespace: NS, name: 'k-before' });
    await create(podBody('k-during'));
    await cluster.kubelet.settle();
    assert.ok(pod('k-before').metadata.deletionTimestamp, 'deletion stays pending');
    assert.equal(pod('k-during').spec.nodeName, 'node-1', 'the scheduler goes on');
    assert.equal(pod('k-during').status.containerStatuses, undefined);
    cluster.kubelet.start();
    await cluster.kubelet.settle();
    assert.equal(pod('k-before'), undefined);
    assert.equal(pod('k-during').status.phase, 'Running');
  });

  it('deletes a pod from outside without an API call of the client', async () => {
    await create(podBody('k-outside'));
    await cluster.kubelet.settle();
    const callsBefore = cluster.calls().length;
    cluster.kubelet.deleteFromOutside('k-outside');
    assert.ok(pod('k-outside').metadata.deletionTimestamp);
    await cluster.kubelet.settle();
    assert.equal(pod('k-outside'), undefined);
    assert.equal(cluster.calls().length, callsBefore);
  });
});

describe('fake kubelet (timed steps)', () => {
  let cluster: FakeCluster;
  before(async () => {
    cluster = await startFakeCluster();
  });
  after(() => cluster.close());

  it('runs a pod on its own, and an informer sees it go from Pending to Running', async () => {
    const api = cluster.kubeConfig(NS).makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(cluster.kubeConfig(NS), `/api/v1/namespaces/${NS}/pods`, () =>
      api.listNamespacedPod({ namespace: NS }),
    );
    const phases: string[] = [];
    informer.on('add', (p) => phases.push(`add ${p.status?.phase}`));
    informer.on('update', (p) => phases.push(`update ${p.status?.phase}`));
    await informer.start();
    try {
      await api.createNamespacedPod({ namespace: NS, body: podBody('k-auto') });
      await cluster.kubelet.settle();
      assert.equal(cluster.objects('pods', NS)[0]?.status.phase, 'Running');
      await eventually(() => phases.at(-1) === 'update Running', 'the informer to see Running');
      assert.equal(phases[0], 'add Pending');
    } finally {
      await informer.stop();
    }
  });

  it('runs fifty pods with claims at once and, deleted, leaves nothing behind', async () => {
    const api = cluster.kubeConfig('many').makeApiClient(CoreV1Api);
    await api.createNamespacedSecret({ namespace: 'many', body: { metadata: { name: 'tok' } } });
    const names = Array.from({ length: 50 }, (_, i) => `m-${i}`);
    await Promise.all(
      names.map((n) => api.createNamespacedPersistentVolumeClaim({ namespace: 'many', body: claimBody(n) })),
    );
    await Promise.all(
      names.map((n) => api.createNamespacedPod({ namespace: 'many', body: podWithStorage(n, n, 'tok') })),
    );
    await cluster.kubelet.settle();
    assert.ok(cluster.objects('pods', 'many').every((p) => p.status.phase === 'Running'));
    await Promise.all(names.map((n) => api.deleteNamespacedPersistentVolumeClaim({ namespace: 'many', name: n })));
    await Promise.all(names.map((n) => api.deleteNamespacedPod({ namespace: 'many', name: n })));
    await cluster.kubelet.settle();
    assert.deepEqual(cluster.objects('pods', 'many'), []);
    assert.deepEqual(cluster.objects('persistentvolumeclaims', 'many'), []);
  });
});
