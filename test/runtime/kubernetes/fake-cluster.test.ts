/**
 * @module test/runtime/kubernetes/fake-cluster.test
 * The fake API server against @kubernetes/client-node itself: if the real client reads what the
 * fake writes (objects, lists, Status errors, watch streams, 410 relists), the driver tested on the
 * fake talks the wire format a cluster does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, AppsV1Api, CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { startFakeCluster, type FakeCluster } from '../../support/kubernetes/fake-cluster.js';
import { podBody } from '../../support/kubernetes/test-objects.js';

const NS = 'notebooks';

/** The failure a call ends with: client-node's ApiException and the Status it carries. */
async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: any }> {
  const err = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiException, String(err));
  // client-node 1.4 leaves the Status as the raw response text: a driver must parse it itself.
  assert.equal(typeof err.body, 'string');
  return { code: err.code, body: JSON.parse(err.body as string) };
}

describe('fake cluster: objects over client-node', () => {
  let cluster: FakeCluster;
  let api: CoreV1Api;
  before(async () => {
    cluster = await startFakeCluster({ kubelet: { manual: true } });
    api = cluster.kubeConfig(NS).makeApiClient(CoreV1Api);
  });
  after(() => cluster.close());

  it('creates a pod with the fields the server assigns and defaults', async () => {
    const pod = await api.createNamespacedPod({ namespace: NS, body: podBody('nb-create', { app: 'nb' }) });
    assert.equal(pod.metadata?.namespace, NS);
    assert.match(pod.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(pod.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.ok(pod.metadata?.creationTimestamp instanceof Date, 'client-node parsed the timestamp');
    assert.equal(pod.spec?.restartPolicy, 'Always');
    assert.equal(pod.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.status?.qosClass, 'BestEffort');
    const read = await api.readNamespacedPod({ namespace: NS, name: 'nb-create' });
    assert.equal(read.metadata?.uid, pod.metadata?.uid);
    assert.equal(read.kind, 'Pod');
  });

  it('fills generateName with a random suffix', async () => {
    const pod = await api.createNamespacedPod({
      namespace: NS,
      body: { ...podBody(''), metadata: { generateName: 'nb-gen-' } },
    });
    assert.match(pod.metadata?.name ?? '', /^nb-gen-[a-z0-9]{5}$/);
  });

  it('answers 404, 409 and 422 as Status objects that surface as ApiException codes', async () => {
    const missing = await apiError(api.readNamespacedPod({ namespace: NS, name: 'nope' }));
    assert.equal(missing.code, 404);
    assert.deepEqual(missing.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    await api.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'dup' }, stringData: { token: 't' } },
    });
    const dup = await apiError(api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'dup' } } }));
    assert.equal(dup.code, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    const unnamed = await apiError(api.createNamespacedService({ namespace: NS, body: { metadata: {}, spec: {} } }));
    assert.equal(unnamed.code, 422);
    assert.equal(unnamed.body.reason, 'Invalid');
    assert.deepEqual(
      unnamed.body.details.causes.map((c: any) => c.field),
      ['metadata.name', 'spec.ports'],
    );
    const noImage = await apiError(
      api.createNamespacedPod({
        namespace: NS,
        body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c' }] } },
      }),
    );
    assert.equal(noImage.body.message, 'Pod "x" is invalid: spec.containers[0].image: Required value');
  });

  it('rejects what a cluster rejects: bad label values, a Service name starting with a digit, requests above limits, bad quantities', async () => {
    const badLabel = await apiError(
      api.createNamespacedPod({ namespace: NS, body: podBody('v-label', { instance: 'a:b' }) }),
    );
    assert.equal(badLabel.code, 422);
    assert.equal(badLabel.body.details.causes[0].field, 'metadata.labels');
    const digit = await apiError(
      api.createNamespacedService({
        namespace: NS,
        body: { metadata: { name: '1abc' }, spec: { ports: [{ port: 80 }] } },
      }),
    );
    assert.equal(digit.body.details.causes[0].field, 'metadata.name');
    const resources = (requests: Record<string, string>, limits: Record<string, string>) =>
      podBody('v-res', {}, { containers: [{ name: 'notebook', image: 'i:1', resources: { requests, limits } }] });
    const above = await apiError(
      api.createNamespacedPod({ namespace: NS, body: resources({ cpu: '2' }, { cpu: '1500m' }) }),
    );
    assert.match(
      above.body.message,
      /spec\.containers\[0\]\.resources\.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m/,
    );
    const garbled = await apiError(api.createNamespacedPod({ namespace: NS, body: resources({}, { memory: '2 GB' }) }));
    assert.equal(garbled.body.details.causes[0].field, 'spec.containers[0].resources.limits[memory]');
    const guaranteed = await api.createNamespacedPod({
      namespace: NS,
      body: resources({ cpu: '1000m', memory: '1024Mi' }, { cpu: '1', memory: '1Gi' }),
    });
    assert.equal(guaranteed.status?.qosClass, 'Guaranteed');
  });

  it('answers 404 for a resource it does not serve and 401 without a token', async () => {
    const res = await fetch(`${cluster.server}/api/v1/namespaces/${NS}/configmaps`, {
      headers: { authorization: 'Bearer x' },
    });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).reason, 'NotFound');
    assert.equal((await fetch(`${cluster.server}/api/v1/namespaces/${NS}/pods`)).status, 401);
  });

  it('lists with equality and set-based label selectors and with field selectors', async () => {
    const labelled = [
      ['sel-a', { app: 'nb', tier: 'gpu', owner: 'x' }],
      ['sel-b', { app: 'nb', tier: 'cpu' }],
      ['sel-c', { app: 'other' }],
    ] as const;
    for (const [name, labels] of labelled)
      await api.createNamespacedPod({ namespace: NS, body: podBody(name, { ...labels }) });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await api.listNamespacedPod({ namespace: NS, labelSelector, fieldSelector })).items
        .map((p) => p.metadata!.name!)
        .filter((n) => n.startsWith('sel-'))
        .sort();
    assert.deepEqual(await names('app=nb'), ['sel-a', 'sel-b']);
    assert.deepEqual(await names('app==nb,tier!=gpu'), ['sel-b']);
    assert.deepEqual(await names('tier in (gpu, cpu)'), ['sel-a', 'sel-b']);
    assert.deepEqual(await names('app notin (nb)'), ['sel-c']);
    assert.deepEqual(await names('owner'), ['sel-a']);
    assert.deepEqual(await names('!tier'), ['sel-c']);
    assert.deepEqual(await names(undefined, 'metadata.name=sel-b'), ['sel-b']);
    assert.deepEqual(await names('app=nb', 'metadata.name!=sel-b,metadata.namespace=notebooks'), ['sel-a']);
    const bad = await apiError(api.listNamespacedPod({ namespace: NS, fieldSelector: 'spec.image=x' }));
    assert.equal(bad.code, 400);
  });

  it('lists with a resourceVersion and without kind/apiVersion on the items, as the real API does', async () => {
    const res = await fetch(`${cluster.server}/api/v1/namespaces/${NS}/pods`, {
      headers: { authorization: 'Bearer x' },
    });
    const list = await res.json();
    assert.equal(list.kind, 'PodList');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.ok(list.items.length > 0);
    assert.ok(list.items.every((p: any) => p.kind === undefined && p.apiVersion === undefined));
  });

  it('pages a list with limit and continue, in namespace/name order', async () => {
    const ns = 'paged';
    const paged = cluster.kubeConfig(ns).makeApiClient(CoreV1Api);
    for (const name of ['s-c', 's-a', 's-e', 's-b', 's-d'])
      await paged.createNamespacedSecret({ namespace: ns, body: { metadata: { name } } });
    const first = await paged.listNamespacedSecret({ namespace: ns, limit: 2 });
    assert.deepEqual(
      first.items.map((s) => s.metadata?.name),
      ['s-a', 's-b'],
    );
    assert.equal(first.metadata?.remainingItemCount, 3);
    const second = await paged.listNamespacedSecret({ namespace: ns, limit: 2, _continue: first.metadata?._continue });
    assert.deepEqual(
      second.items.map((s) => s.metadata?.name),
      ['s-c', 's-d'],
    );
    const last = await paged.listNamespacedSecret({ namespace: ns, limit: 2, _continue: second.metadata?._continue });
    assert.deepEqual(
      last.items.map((s) => s.metadata?.name),
      ['s-e'],
    );
    assert.equal(last.metadata?._continue, undefined);
    assert.equal(last.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  it('deletes a Secret with a Success Status and a Service with the object; a second delete is 404', async () => {
    await api.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'gone' }, data: { a: 'YQ==' } } });
    const status = await api.deleteNamespacedSecret({ namespace: NS, name: 'gone' });
    assert.equal(status.status, 'Success');
    assert.equal(status.details?.name, 'gone');
    const svc = await api.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'nb-svc' }, spec: { selector: { app: 'nb' }, ports: [{ port: 8888 }] } },
    });
    assert.match(svc.spec?.clusterIP ?? '', /^10\.96\.\d+\.\d+$/);
    assert.equal(svc.spec?.ports?.[0]?.protocol, 'TCP');
    const removed = await api.deleteNamespacedService({ namespace: NS, name: 'nb-svc' });
    assert.equal(removed.metadata?.name, 'nb-svc');
    assert.equal((await apiError(api.deleteNamespacedService({ namespace: NS, name: 'nb-svc' }))).code, 404);
  });

  it('folds stringData into base64 data', async () => {
    const secret = await api.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'token' }, stringData: { token: 's3cret' } },
    });
    assert.equal(secret.data?.token, Buffer.from('s3cret').toString('base64'));
    assert.equal(secret.stringData, undefined);
    assert.equal(secret.type, 'Opaque');
  });

  it('replaces with a resourceVersion (409 on a stale one) and merge-patches', async () => {
    const svc = await api.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'upd' }, spec: { ports: [{ port: 80 }] } },
    });
    const updated = await api.replaceNamespacedService({
      namespace: NS,
      name: 'upd',
      body: { ...svc, metadata: { ...svc.metadata, labels: { v: '2' } } },
    });
    assert.equal(updated.metadata?.labels?.v, '2');
    assert.notEqual(updated.metadata?.resourceVersion, svc.metadata?.resourceVersion);
    const stale = await apiError(api.replaceNamespacedService({ namespace: NS, name: 'upd', body: svc }));
    assert.equal(stale.code, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const res = await fetch(`${cluster.server}/api/v1/namespaces/${NS}/services/upd`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer x', 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { v: null, w: '3' } } }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).metadata.labels, { w: '3' });
  });

  it('lists across namespaces and serves the discovery documents', async () => {
    await cluster
      .kubeConfig('elsewhere')
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({ namespace: 'elsewhere', body: { metadata: { name: 'far' } } });
    const all = await api.listSecretForAllNamespaces();
    const namespaces = new Set(all.items.map((s) => s.metadata?.namespace));
    assert.ok(namespaces.has('elsewhere') && namespaces.has(NS));
    const version = await cluster.kubeConfig().makeApiClient(VersionApi).getCode();
    assert.equal(version.major, '1');
    const resources = await api.getAPIResources();
    assert.ok(resources.resources.some((r) => r.name === 'pods' && r.namespaced && r.verbs.includes('watch')));
  });

  it('serves apps/v1 DaemonSets: defaults, list, a selector that misses its template and a core path refused', async () => {
    const apps = cluster.kubeConfig(NS).makeApiClient(AppsV1Api);
    const template = {
      metadata: { labels: { set: 'pull' } },
      spec: {
        initContainers: [{ name: 'pull', image: 'img:1', command: ['true'] }],
        containers: [podBody('').spec!.containers[0]!],
      },
    };
    const made = await apps.createNamespacedDaemonSet({
      namespace: NS,
      body: { metadata: { name: 'pull' }, spec: { selector: { matchLabels: { set: 'pull' } }, template } },
    });
    assert.equal(made.kind, 'DaemonSet');
    assert.equal(made.apiVersion, 'apps/v1');
    assert.equal(made.metadata?.generation, 1);
    assert.equal(made.spec?.updateStrategy?.type, 'RollingUpdate');
    assert.equal(made.spec?.template.spec?.restartPolicy, 'Always');
    assert.equal(made.spec?.template.spec?.initContainers?.[0]?.imagePullPolicy, 'IfNotPresent');
    assert.equal(made.status?.desiredNumberScheduled, 0);
    const listed = await apps.listNamespacedDaemonSet({ namespace: NS });
    assert.deepEqual(
      listed.items.map((d) => d.metadata?.name),
      ['pull'],
    );
    const missed = await apiError(
      apps.createNamespacedDaemonSet({
        namespace: NS,
        body: { metadata: { name: 'miss' }, spec: { selector: { matchLabels: { set: 'other' } }, template } },
      }),
    );
    assert.equal(missed.code, 422);
    assert.match(
      missed.body.message,
      /spec\.template\.metadata\.labels: .*`selector` does not match template `labels`/,
    );
    const ending = await apiError(
      apps.createNamespacedDaemonSet({
        namespace: NS,
        body: {
          metadata: { name: 'ending' },
          spec: {
            selector: { matchLabels: { set: 'pull' } },
            template: { ...template, spec: { ...template.spec, restartPolicy: 'OnFailure' } },
          },
        },
      }),
    );
    assert.match(ending.body.message, /Unsupported value: "OnFailure": supported values: "Always"/);
    const groups = await (await fetch(`${cluster.server}/apis`, { headers: { authorization: 'Bearer x' } })).json();
    assert.deepEqual(
      groups.groups.map((g: any) => g.preferredVersion.groupVersion),
      ['apps/v1'],
    );
    const core = await fetch(`${cluster.server}/api/v1/namespaces/${NS}/daemonsets`, {
      headers: { authorization: 'Bearer x' },
    });
    assert.equal(core.status, 404, 'DaemonSets are not in the core group');
    await apps.deleteNamespacedDaemonSet({ namespace: NS, name: 'pull' });
    assert.equal((await apiError(apps.deleteNamespacedDaemonSet({ namespace: NS, name: 'pull' }))).code, 404);
  });

  it('refuses Pod updates beyond the image, as a cluster does', async () => {
    const pod = await api.createNamespacedPod({ namespace: NS, body: podBody('u-pod') });
    const container = pod.spec!.containers[0]!;
    const image = await api.replaceNamespacedPod({
      namespace: NS,
      name: 'u-pod',
      body: { ...pod, spec: { ...pod.spec!, containers: [{ ...container, image: 'i:2' }] } },
    });
    assert.equal(image.spec?.containers[0]?.image, 'i:2');
    const forbidden = await apiError(
      api.replaceNamespacedPod({
        namespace: NS,
        name: 'u-pod',
        body: { ...image, spec: { ...image.spec!, restartPolicy: 'Never' } },
      }),
    );
    assert.equal(forbidden.code, 422);
    assert.match(
      forbidden.body.message,
      /^Pod "u-pod" is invalid: spec: Forbidden: pod updates may not change fields other than/,
    );
  });

  it('serves a Pod log as text/plain with tailLines and the failures the real server answers', async () => {
    const name = 'nb-log';
    await api.createNamespacedPod({ namespace: NS, body: podBody(name) });
    const waiting = await apiError(api.readNamespacedPodLog({ namespace: NS, name, container: 'notebook' }));
    assert.equal(waiting.code, 400);
    assert.equal(waiting.body.message, `container "notebook" in pod "${name}" is waiting to start: ContainerCreating`);
    await cluster.kubelet.settle();
    cluster.writeLog(NS, name, 'one\ntwo\nthree\n');
    assert.equal(
      await api.readNamespacedPodLog({ namespace: NS, name, container: 'notebook', tailLines: 2 }),
      'two\nthree\n',
    );
    assert.equal(await api.readNamespacedPodLog({ namespace: NS, name }), 'one\ntwo\nthree\n', 'the only container');

    const raw = (query: string) =>
      fetch(`${cluster.server}/api/v1/namespaces/${NS}/pods/${name}/log?${query}`, {
        headers: { Authorization: 'Bearer fake-token' },
      });
    const plain = await raw('tailLines=1');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'text/plain');
    assert.equal(await plain.text(), 'three\n');
    const negative = await raw('tailLines=-1');
    assert.equal(negative.status, 422);
    assert.equal(((await negative.json()) as { reason: string }).reason, 'Invalid');
    assert.equal((await raw('tailLines=x')).status, 400);
    const other = await apiError(api.readNamespacedPodLog({ namespace: NS, name, container: 'sidecar' }));
    assert.equal(other.code, 400);
    assert.equal(other.body.message, `container sidecar is not valid for pod ${name}`);
    assert.equal((await apiError(api.readNamespacedPodLog({ namespace: NS, name: 'nope' }))).code, 404);
    assert.ok(cluster.calls().some((c) => c.verb === 'get' && c.resource === 'pods/log' && c.namespace === NS));
  });

  it('records every call by RBAC verb, resource and namespace', () => {
    const calls = cluster.calls();
    for (const verb of ['create', 'get', 'list', 'delete', 'update', 'patch']) {
      assert.ok(
        calls.some((c) => c.verb === verb && c.namespace === NS),
        verb,
      );
    }
    assert.deepEqual(calls[0], { verb: 'create', resource: 'pods', namespace: NS });
  });
});
