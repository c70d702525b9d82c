import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveConfig, type ConfigHost, type KubernetesRuntimeOptions } from '../../../src/server/config.js';
import { loadKubeConfig } from '../../../src/runtime/kubernetes/kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'demanager-k8s-config-'));
const namespaceFile = join(dir, 'namespace');
writeFileSync(namespaceFile, 'notebooks\n');
const outside: ConfigHost = { env: {}, namespaceFile };
const inside: ConfigHost = { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, namespaceFile };

const kubernetes = (options: KubernetesRuntimeOptions, host = outside) =>
  resolveConfig({ runtime: { driver: 'kubernetes', kubernetes: options } }, host).runtime.kubernetes;

after(() => rmSync(dir, { recursive: true, force: true }));

describe('runtime.kubernetes config', () => {
  it('defaults outside a cluster: namespace default, the default kubeconfig, port 8888, cluster.local', () => {
    assert.deepEqual(kubernetes({}), {
      namespace: 'default',
      kubeconfig: { from: 'default' },
      registry: '',
      storageClass: null,
      obsVolume: null,
      clusterDomain: 'cluster.local',
      notebookPort: 8888,
      imagePullSecrets: [],
      unschedulableMs: 60_000,
      pauseImage: 'registry.k8s.io/pause:3.10',
    });
  });

  it('inside a cluster: the service account namespace and in-cluster credentials', () => {
    const resolved = kubernetes({}, inside);
    assert.equal(resolved.namespace, 'notebooks');
    assert.deepEqual(resolved.kubeconfig, { from: 'in-cluster' });
  });

  it('inside a cluster without a namespace file falls back to default', () => {
    assert.equal(kubernetes({}, { ...inside, namespaceFile: join(dir, 'missing') }).namespace, 'default');
  });

  it('takes every option as given; a kubeconfig path is made absolute and wins over in-cluster', () => {
    const resolved = kubernetes(
      {
        namespace: 'team-a',
        kubeconfig: 'kube/config',
        registry: 'swr.example.com/',
        storageClass: 'ssd',
        obsVolume: { persistentVolumeClaim: { claimName: 'obs' } },
        clusterDomain: 'k8s.internal',
        notebookPort: 9000,
        imagePullSecrets: ['swr-pull'],
        unschedulableSeconds: 0,
        pauseImage: 'mirror.example.com/k8s/pause:3.10',
      },
      inside,
    );
    assert.deepEqual(resolved, {
      namespace: 'team-a',
      kubeconfig: { from: 'file', path: resolve('kube/config') },
      registry: 'swr.example.com',
      storageClass: 'ssd',
      obsVolume: { persistentVolumeClaim: { claimName: 'obs' } },
      clusterDomain: 'k8s.internal',
      notebookPort: 9000,
      imagePullSecrets: ['swr-pull'],
      unschedulableMs: 0,
      pauseImage: 'mirror.example.com/k8s/pause:3.10',
    });
  });

  it('rejects values Kubernetes would refuse, naming the option', () => {
    const cases: [KubernetesRuntimeOptions, RegExp][] = [
      [{ namespace: 'Team_A' }, /runtime\.kubernetes\.namespace/],
      [{ notebookPort: 0 }, /runtime\.kubernetes\.notebookPort/],
      [{ notebookPort: 8888.5 }, /runtime\.kubernetes\.notebookPort/],
      [{ clusterDomain: '' }, /runtime\.kubernetes\.clusterDomain/],
      [{ imagePullSecrets: ['ok', 'Not OK'] }, /runtime\.kubernetes\.imagePullSecrets/],
      [{ obsVolume: { name: 'x', emptyDir: {} } }, /runtime\.kubernetes\.obsVolume/],
      [{ obsVolume: { emptyDir: {}, hostPath: { path: '/x' } } }, /runtime\.kubernetes\.obsVolume/],
      [{ unschedulableSeconds: -1 }, /runtime\.kubernetes\.unschedulableSeconds/],
      [{ pauseImage: '' }, /runtime\.kubernetes\.pauseImage/],
      [{ pauseImage: 'pause 3.10' }, /runtime\.kubernetes\.pauseImage/],
    ];
    for (const [options, message] of cases) assert.throws(() => kubernetes(options), message, JSON.stringify(options));
  });
});

describe('loadKubeConfig', () => {
  it('reads a kubeconfig file, and refuses one that names no current cluster', () => {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]',
        'current-context: x',
      ].join('\n'),
    );
    assert.equal(loadKubeConfig({ from: 'file', path: file }).getCurrentCluster()?.server, 'https://10.0.0.1:6443');
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    assert.throws(() => loadKubeConfig({ from: 'file', path: empty }), /names no current cluster/);
  });
});
