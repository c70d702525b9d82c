/**
 * @module test/runtime/kubernetes/fake-cluster-watch.test
 * Watches on the fake cluster through client-node's Watch and informer: replay from a
 * resourceVersion, selectors that objects leave, bookmarks, the 410 Expired path after a
 * compaction and the relist it makes the informer do, and watch connections cut under it.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CoreV1Api, makeInformer, Watch, type Informer, type ObjectCache, type V1Pod } from '@kubernetes/client-node';
import { eventually } from '../../support/kubernetes/eventually.js';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { podBody } from '../../support/kubernetes/test-objects.js';

const NS = 'watched';
const PATH = `/api/v1/namespaces/${NS}/pods`;

interface Seen {
  type: string;
  object: any;
}

describe('fake cluster: watches over client-node', () => {
  let cluster: FakeCluster;
  let api: CoreV1Api;
  const stops: (() => unknown)[] = [];
  before(async () => {
    cluster = await startFakeCluster({ bookmarkIntervalMs: 20, kubelet: { manual: true } });
    api = cluster.kubeConfig(NS).makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  after(() => cluster.close());

  /** Opens a raw watch; answers what it saw so far and whether (and how) it ended. */
  async function watch(query: Record<string, string | boolean>, path = PATH) {
    const seen: Seen[] = [];
    const ended: { err: unknown }[] = [];
    const request = await new Watch(cluster.kubeConfig(NS)).watch(
      path,
      query,
      (type, object) => seen.push({ type, object }),
      (err) => ended.push({ err }),
    );
    stops.push(() => request.abort());
    return { seen, ended };
  }

  function informer(
    labelSelector?: string,
  ): Informer<V1Pod> & ObjectCache<V1Pod> & { log: string[]; errors: unknown[] } {
    const inf = makeInformer<V1Pod>(
      cluster.kubeConfig(NS),
      PATH,
      () => api.listNamespacedPod({ namespace: NS, labelSelector }),
      labelSelector,
    );
    const log: string[] = [];
    const errors: unknown[] = [];
    inf.on('add', (p) => log.push(`add ${p.metadata?.name}`));
    inf.on('update', (p) => log.push(`update ${p.metadata?.name}`));
    inf.on('delete', (p) => log.push(`delete ${p.metadata?.name}`));
    inf.on('error', (err) => errors.push(err));
    stops.push(() => inf.stop());
    return Object.assign(inf, { log, errors });
  }

  /** A started informer on label inf=<label> whose first list held pod `name`. */
  async function informerHolding(label: string, name: string) {
    const inf = informer(`inf=${label}`);
    await api.createNamespacedPod({ namespace: NS, body: podBody(name, { inf: label }) });
    await inf.start();
    await eventually(() => inf.get(name, NS), 'the first list');
    return inf;
  }

  const lists = () => cluster.calls().filter((c) => c.verb === 'list' && c.resource === 'pods').length;

  it('replays the changes after a resourceVersion, then streams live ones', async () => {
    const first = await api.createNamespacedPod({ namespace: NS, body: podBody('w-replay-1') });
    await api.createNamespacedPod({ namespace: NS, body: podBody('w-replay-2') });
    const { seen } = await watch({ resourceVersion: first.metadata!.resourceVersion! });
    await eventually(() => seen.length === 1, 'the replayed ADDED');
    assert.equal(seen[0]!.object.metadata.name, 'w-replay-2');
    assert.equal(seen[0]!.object.kind, 'Pod', 'watch objects carry their kind');
    await api.deleteNamespacedPod({ namespace: NS, name: 'w-replay-1' });
    await eventually(() => seen.length === 2, 'the live DELETED');
    assert.deepEqual(
      seen.map((e) => e.type),
      ['ADDED', 'DELETED'],
    );
    assert.ok(Number(seen[1]!.object.metadata.resourceVersion) > Number(seen[0]!.object.metadata.resourceVersion));
  });

  it('starts with the current objects as ADDED when no resourceVersion is given', async () => {
    const { seen } = await watch({ labelSelector: 'w=current' });
    await api.createNamespacedPod({ namespace: NS, body: podBody('w-current', { w: 'current' }) });
    const { seen: fresh } = await watch({ labelSelector: 'w=current' });
    await eventually(() => seen.length === 1 && fresh.length === 1, 'both watches to see the pod');
    assert.equal(fresh[0]!.type, 'ADDED');
  });

  it('sends DELETED to a selector an object leaves and ADDED to one it enters', async () => {
    await api.createNamespacedPod({ namespace: NS, body: podBody('w-move', { side: 'left' }) });
    const left = await watch({ labelSelector: 'side=left', resourceVersion: '0' });
    const right = await watch({ labelSelector: 'side=right', resourceVersion: '0' });
    await eventually(() => left.seen.length === 1, 'the initial ADDED');
    const res = await fetch(`${cluster.server}${PATH}/w-move`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer t', 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { side: 'right' } } }),
    });
    assert.equal(res.status, 200);
    await eventually(() => left.seen.length === 2 && right.seen.length === 1, 'the move');
    assert.equal(left.seen[1]!.type, 'DELETED');
    assert.equal(right.seen[0]!.type, 'ADDED');
  });

  it('sends BOOKMARKs with the current resourceVersion only when asked', async () => {
    const asked = await watch({ allowWatchBookmarks: true, labelSelector: 'none=here' });
    const unasked = await watch({ labelSelector: 'none=here' });
    await api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'w-bump' } } });
    const bookmark = await eventually(
      () =>
        asked.seen.find(
          (e) =>
            e.type === 'BOOKMARK' &&
            e.object.metadata.resourceVersion === cluster.objects('secrets', NS)[0]?.metadata.resourceVersion,
        ),
      'a bookmark past the secret',
    );
    assert.equal(bookmark.object.kind, 'Pod');
    assert.equal(unasked.seen.length, 0);
  });

  it('answers a watch from a compacted resourceVersion with 200, an ERROR event of 410 Expired, and the end', async () => {
    const pod = await api.createNamespacedPod({ namespace: NS, body: podBody('w-old') });
    await api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'w-after' } } });
    cluster.compact();
    const { seen, ended } = await watch({ resourceVersion: pod.metadata!.resourceVersion! });
    await eventually(() => ended.length === 1, 'the end of the stream');
    assert.equal(ended[0]!.err, null, 'a clean end, not a failed request');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.type, 'ERROR');
    assert.equal(seen[0]!.object.kind, 'Status');
    assert.equal(seen[0]!.object.code, 410);
    assert.equal(seen[0]!.object.reason, 'Expired');
    assert.match(seen[0]!.object.message, /^too old resource version: \d+ \(\d+\)$/);
  });

  it('ends a watch cleanly after its timeoutSeconds', async () => {
    const { ended } = await watch({ timeoutSeconds: '1' });
    await eventually(() => ended.length === 1, 'the server to end the watch');
    assert.equal(ended[0]!.err, null);
  });

  it("watches one pod's Events with an involvedObject field selector", async () => {
    const pod = await api.createNamespacedPod({ namespace: NS, body: podBody('w-events') });
    await api.createNamespacedPod({ namespace: NS, body: podBody('w-other') });
    const { seen } = await watch(
      { fieldSelector: `involvedObject.uid=${pod.metadata!.uid}` },
      `/api/v1/namespaces/${NS}/events`,
    );
    await cluster.kubelet.settle();
    await eventually(() => seen.some((e) => e.object.reason === 'Started'), 'the Started event');
    assert.ok(seen.every((e) => e.object.involvedObject.name === 'w-events' && e.object.kind === 'Event'));
  });

  it('feeds an informer ADD, UPDATE and DELETE', async () => {
    const inf = informer('inf=basic');
    await inf.start();
    await api.createNamespacedPod({ namespace: NS, body: podBody('i-basic', { inf: 'basic' }) });
    await eventually(() => inf.get('i-basic', NS), 'the informer to hold the pod');
    await api.patchNamespacedPod({
      namespace: NS,
      name: 'i-basic',
      body: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }],
    });
    await eventually(() => inf.get('i-basic', NS)?.metadata?.annotations?.a === 'b', 'the update');
    await api.deleteNamespacedPod({ namespace: NS, name: 'i-basic' });
    await eventually(() => !inf.get('i-basic', NS), 'the delete');
    assert.deepEqual(inf.log, ['add i-basic', 'update i-basic', 'delete i-basic']);
    assert.deepEqual(inf.errors, []);
  });

  it('makes an informer whose watch was cut after a compaction relist (410) and converge', async () => {
    const inf = await informerHolding('relist', 'i-stays');
    const listsBefore = lists();
    // Another kind moves the resourceVersion on; the informer's quiet watch never hears of it.
    await api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'i-unrelated' } } });
    cluster.compact();
    cluster.dropWatches();
    await eventually(() => lists() === listsBefore + 1, 'the relist');
    await api.createNamespacedPod({ namespace: NS, body: podBody('i-new', { inf: 'relist' }) });
    await eventually(() => inf.get('i-new', NS), 'the pod created after the relist');
    assert.deepEqual(inf.errors, []);
  });

  it('makes a restarted informer relist and report what it missed while away', async () => {
    const inf = await informerHolding('away', 'i-leaves');
    await inf.stop();
    await api.deleteNamespacedPod({ namespace: NS, name: 'i-leaves' });
    await api.createNamespacedPod({ namespace: NS, body: podBody('i-arrives', { inf: 'away' }) });
    cluster.compact();
    const listsBefore = lists();
    await inf.start();
    await eventually(() => inf.get('i-arrives', NS) && !inf.get('i-leaves', NS), 'the relisted state');
    assert.equal(lists(), listsBefore + 1);
    assert.deepEqual(inf.log.slice(-2), ['delete i-leaves', 'add i-arrives']);
  });

  it('lets an informer resume without a relist when its watch is cut cleanly and history is kept', async () => {
    const inf = informer('inf=resume');
    await inf.start();
    const listsBefore = lists();
    const watchesBefore = cluster.calls().filter((c) => c.verb === 'watch').length;
    cluster.dropWatches();
    await eventually(() => cluster.calls().filter((c) => c.verb === 'watch').length > watchesBefore, 'the new watch');
    await api.createNamespacedPod({ namespace: NS, body: podBody('i-resumed', { inf: 'resume' }) });
    await eventually(() => inf.get('i-resumed', NS), 'the pod after the resume');
    assert.equal(lists(), listsBefore);
  });

  it('stops an informer with an error when its connection breaks, until it is started again', async () => {
    const inf = informer('inf=broken');
    await inf.start();
    cluster.dropWatches({ abrupt: true });
    await eventually(() => inf.errors.length > 0, 'the error callback');
    await api.createNamespacedPod({ namespace: NS, body: podBody('i-after-break', { inf: 'broken' }) });
    await inf.start();
    await eventually(() => inf.get('i-after-break', NS), 'the restarted informer to catch up');
  });
});
