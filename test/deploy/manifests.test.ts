import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Ingress,
  V1NetworkPolicy,
  V1Role,
  V1Service,
} from '@kubernetes/client-node';
import { KUBERNETES_API_USAGE } from '../../src/runtime/kubernetes/api-usage.js';
import { startTestApp } from '../support/test-app.js';
import { parseDocuments, renderKustomization } from './kustomization-render.js';
import { validateAgainstSchema } from './kubernetes-schemas.js';
import {
  configFileProblems,
  configProblems,
  driverNotebookPod,
  envProblems,
  HEALTH_PATHS,
  ingressProblems,
  networkPolicyProblems,
  probeProblems,
  rbacProblems,
  secretProblems,
  securityProblems,
  selectorProblems,
} from './manifest-checks.js';
import { loadPodConfig, onlyOfKind, serverContainer, type PodView } from './pod-environment.js';

const DIR = new URL('../../deploy/kubernetes/', import.meta.url).pathname;
const README = readFileSync(join(DIR, 'README.md'), 'utf8');
const rendered = renderKustomization(DIR);
const shipped: readonly KubernetesObject[] = rendered.map((r) => r.typed);

const scratch = mkdtempSync(join(tmpdir(), 'demanager-deploy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let pods = 0;

/** The Pod's view of a set of manifests, each laid out in a directory of its own. */
function podView(objects: readonly KubernetesObject[]): PodView {
  return loadPodConfig(objects, join(scratch, `pod-${++pods}`));
}

/** A copy of the shipped manifests with one change. */
function broken(change: (objects: KubernetesObject[]) => void): KubernetesObject[] {
  const objects = structuredClone(shipped) as KubernetesObject[];
  change(objects);
  return objects;
}

const of = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) => onlyOfKind<T>(objects, kind);
const deployment = (objects: KubernetesObject[]) => of<V1Deployment>(objects, 'Deployment');
const container = (objects: KubernetesObject[]) => serverContainer(deployment(objects));
const configJson = (objects: KubernetesObject[], edit: (config: any) => void) => {
  const data = of<V1ConfigMap>(objects, 'ConfigMap').data!;
  const config = JSON.parse(data['config.json']!);
  edit(config);
  data['config.json'] = JSON.stringify(config);
};

type Check = (objects: readonly KubernetesObject[], view: PodView) => string[];

/** The check passes on the shipped manifests and reports `expected` on the broken copy. */
function passesAndCatches(check: Check, change: (objects: KubernetesObject[]) => void, expected: RegExp) {
  assert.deepEqual(check(shipped, podView(shipped)), []);
  const objects = broken(change);
  assert.match(check(objects, podView(objects)).join('\n'), expected);
}

describe('deploy/kubernetes manifests', () => {
  it('render from the kustomization as the objects kubectl applies, with no field the API does not know', () => {
    assert.deepEqual(rendered.map((r) => r.raw.kind).sort(), [
      'ConfigMap',
      'Deployment',
      'Ingress',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    const [misspelled] = parseDocuments(
      readFileSync(join(DIR, 'deployment.yaml'), 'utf8').replace('readinessProbe:', 'readinesProbe:'),
      'deployment.yaml',
    );
    assert.ok(misspelled);
    assert.equal((misspelled.typed as V1Deployment).spec?.template.spec?.containers[0]?.readinessProbe, undefined);
    const dir = join(scratch, 'kustomization');
    cpSync(DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, 'deployment.yaml'),
      readFileSync(join(DIR, 'deployment.yaml'), 'utf8').replace('readinessProbe:', 'readinesProbe:'),
    );
    assert.throws(
      () => renderKustomization(dir),
      /deployment\.yaml: Deployment has fields the API does not know: \.spec\.template\.spec\.containers\[0\]\.readinesProbe/,
    );
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: other\nresources: [service.yaml]\n',
    );
    assert.throws(() => renderKustomization(dir), /uses namespace: only plain resources/);
  });

  it('validate every object against the Kubernetes schema of its kind', () => {
    for (const { file, raw } of rendered) assert.doesNotThrow(() => validateAgainstSchema(raw), file);
    const deploymentRaw = structuredClone(rendered.find((r) => r.raw.kind === 'Deployment')!.raw) as any;
    deploymentRaw.spec.replicas = 'two';
    assert.throws(() => validateAgainstSchema(deploymentRaw), /replicas must be integer/);
    const serviceRaw = structuredClone(rendered.find((r) => r.raw.kind === 'Service')!.raw) as any;
    delete serviceRaw.spec.ports[0].port;
    assert.throws(() => validateAgainstSchema(serviceRaw), /port/);
    assert.throws(
      () => validateAgainstSchema({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget' }),
      /no Kubernetes schema for policy\/v1beta1 PodDisruptionBudget/,
    );
  });

  it('grant the runtime driver exactly the calls it makes, in its namespace, to its service account', () => {
    const check: Check = (objects) => rbacProblems(objects, KUBERNETES_API_USAGE);
    passesAndCatches(
      check,
      (o) => of<V1Role>(o, 'Role').rules![0]!.verbs.push('update'),
      /grants \/pods: update, which the driver never calls/,
    );
    passesAndCatches(check, (o) => of<V1Role>(o, 'Role').rules!.pop(), /does not grant \/events: watch/);
    passesAndCatches(
      check,
      (o) => (of<V1Role>(o, 'Role').kind = 'ClusterRole'),
      /a ClusterRole grants beyond the namespace\n0 Roles, not one/,
    );
    passesAndCatches(
      check,
      (o) => (of<any>(o, 'RoleBinding').subjects[0].name = 'default'),
      /no RoleBinding binds exactly/,
    );
    assert.match(
      rbacProblems(shipped, [...KUBERNETES_API_USAGE, { group: 'apps', resource: 'deployments', verbs: ['get'] }]).join(
        '\n',
      ),
      /does not grant apps\/deployments: get/,
    );
  });

  it("probe demanager's own health paths, which the server answers", async () => {
    passesAndCatches(
      probeProblems,
      (o) => (container(o).readinessProbe!.httpGet!.path = HEALTH_PATHS.liveness),
      /readiness probe must GET \/readyz/,
    );
    passesAndCatches(
      probeProblems,
      (o) => (container(o).livenessProbe!.httpGet!.port = 9090),
      /liveness probe must GET \/healthz on port 8080/,
    );
    passesAndCatches(probeProblems, (o) => delete container(o).startupProbe, /startup probe/);
    const server = await startTestApp();
    try {
      const live = await server.http('GET', HEALTH_PATHS.liveness, { token: null });
      assert.deepEqual([live.status, live.body.status], [200, 'ok']);
      const ready = await server.http('GET', HEALTH_PATHS.readiness, { token: null });
      assert.deepEqual([ready.status, ready.body.status, ready.body.database], [200, 'ready', 'ok']);
    } finally {
      await server.stop(true);
    }
  });

  it('configure demanager, through its own loader, for the kubernetes driver in the cluster on PostgreSQL', () => {
    const { config } = podView(shipped);
    assert.equal(config.runtime.driver, 'kubernetes');
    assert.equal(config.runtime.kubernetes.namespace, deployment([...shipped]).metadata?.namespace);
    passesAndCatches(
      configProblems,
      (o) => configJson(o, (c) => (c.runtime.driver = 'local')),
      /runtime\.driver is local/,
    );
    passesAndCatches(
      configProblems,
      (o) => configJson(o, (c) => (c.host = '127.0.0.1')),
      /host 127\.0\.0\.1 is unreachable/,
    );
    passesAndCatches(
      configProblems,
      (o) => configJson(o, (c) => (c.runtime.kubernetes.kubeconfig = '/etc/kube/config')),
      /no kubeconfig/,
    );
    passesAndCatches(
      configProblems,
      (o) => configJson(o, (c) => (c.runtime.kubernetes.namespace = 'notebooks')),
      /the driver is in namespace notebooks, not demanager/,
    );
    passesAndCatches(
      configProblems,
      (o) => (container(o).env = container(o).env!.filter((e) => e.name !== 'DEMANAGER_DATABASE_URL')),
      /several replicas need PostgreSQL/,
    );
    passesAndCatches(
      configProblems,
      (o) => (container(o).env = container(o).env!.filter((e) => e.name !== 'DEMANAGER_MASTER_KEY')),
      /no master key/,
    );
    assert.throws(
      () => podView(broken((o) => configJson(o, (c) => (c.runtime.kubernetes.notebookPort = 'eight')))),
      /notebookPort must be a port number/,
    );
  });

  it('set only settings demanager reads in its config file', () => {
    const check: Check = (_objects, view) => configFileProblems(view, join(scratch, `config-${++pods}.json`));
    passesAndCatches(
      check,
      (o) => configJson(o, (c) => (c.runtime.kubernetes.notebokPort = 8888)),
      /demanager ignores runtime\.kubernetes\.notebokPort of its config file/,
    );
    passesAndCatches(
      check,
      (o) => configJson(o, (c) => (c.databaseUrl = 'postgres://db/demanager')),
      /demanager ignores databaseUrl/,
    );
  });

  it('set only environment variables demanager reads', () => {
    passesAndCatches(
      envProblems,
      (o) => container(o).env!.push({ name: 'DEMANAGER_DATABASE', value: 'postgres://db/demanager' }),
      /demanager does not read DEMANAGER_DATABASE$/,
    );
  });

  it('keep secrets out of the repository, and document every Secret key the Pods read', () => {
    const check: Check = (objects, view) => secretProblems(objects, view, README);
    passesAndCatches(
      check,
      (o) => (container(o).env!.find((e) => e.name === 'DEMANAGER_MASTER_KEY')!.valueFrom!.secretKeyRef!.key = 'key'),
      /Secret demanager key key is not in the README's command\n.*key master-key, which no Pod reads/,
    );
    passesAndCatches(
      check,
      (o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demanager', namespace: 'demanager' } }),
      /Secret demanager is in the manifests/,
    );
    passesAndCatches(check, (o) => configJson(o, (c) => (c.masterKey = 'AAAA')), /masterKey is in a ConfigMap/);
    passesAndCatches(
      check,
      (o) => (of<V1Ingress>(o, 'Ingress').spec!.tls![0]!.secretName = 'other-tls'),
      /TLS Secret other-tls/,
    );
    assert.match(
      secretProblems(
        shipped,
        podView(shipped),
        README.replace('create secret generic demanager', 'create secret demanager'),
      ).join('\n'),
      /does not say how to create Secret demanager/,
    );
  });

  it("select demanager's Pods with every Service, budget and spread, and notebooks only with the policy", () => {
    const check: Check = (objects) => selectorProblems(objects);
    passesAndCatches(
      check,
      (o) => (of<V1Service>(o, 'Service').spec!.selector!['app.kubernetes.io/component'] = 'api'),
      /the Service does not select/,
    );
    passesAndCatches(
      check,
      (o) => (of<V1Service>(o, 'Service').spec!.ports![0]!.targetPort = 'web'),
      /targets no container port/,
    );
    passesAndCatches(
      check,
      (o) => (of<any>(o, 'PodDisruptionBudget').spec.minAvailable = 2),
      /room to evict one of 2 replicas/,
    );
    passesAndCatches(
      check,
      (o) => (of<any>(o, 'PodDisruptionBudget').spec.selector.matchLabels['app.kubernetes.io/name'] = 'demanagr'),
      /PodDisruptionBudget does not select/,
    );
    passesAndCatches(
      check,
      (o) => (deployment(o).spec!.template.metadata!.labels!['app.kubernetes.io/managed-by'] = 'demanager'),
      /selects demanager's own Pods/,
    );
    passesAndCatches(
      check,
      (o) => (of<V1Ingress>(o, 'Ingress').spec!.rules![0]!.http!.paths[0]!.backend.service!.name = 'api'),
      /does not reach the Service's port/,
    );
    passesAndCatches(
      check,
      (o) => (deployment(o).spec!.selector.matchLabels!['app.kubernetes.io/component'] = 'api'),
      /the Deployment's selector does not select its own Pods/,
    );
    passesAndCatches(
      check,
      (o) => (deployment(o).spec!.template.spec!.topologySpreadConstraints![0]!.labelSelector = {}),
      /topology spread constraint/,
    );
  });

  it('run demanager unprivileged on a read-only root, writing only to emptyDirs', () => {
    passesAndCatches(
      securityProblems,
      (o) => (container(o).securityContext!.readOnlyRootFilesystem = false),
      /root filesystem is writable/,
    );
    passesAndCatches(
      securityProblems,
      (o) => (container(o).securityContext!.capabilities = { drop: ['NET_RAW'] }),
      /capabilities/,
    );
    passesAndCatches(
      securityProblems,
      (o) => (container(o).securityContext!.allowPrivilegeEscalation = true),
      /privilege escalation/,
    );
    passesAndCatches(
      securityProblems,
      (o) => configJson(o, (c) => (c.dataDir = '/data')),
      /\/data is not on a writable emptyDir/,
    );
    passesAndCatches(securityProblems, (o) => delete container(o).resources!.limits!.memory, /no memory limit/);
    passesAndCatches(
      securityProblems,
      (o) => {
        delete container(o).securityContext!.runAsNonRoot;
        delete deployment(o).spec!.template.spec!.securityContext!.runAsNonRoot;
      },
      /runAsNonRoot is not set/,
    );
    passesAndCatches(
      securityProblems,
      (o) => (deployment(o).spec!.template.spec!.securityContext!.seccompProfile = { type: 'Unconfined' }),
      /seccomp/,
    );
  });

  it('serve publicUrl and every notebook host through an Ingress that keeps notebook WebSockets and change streams open', () => {
    passesAndCatches(
      ingressProblems,
      (o) =>
        (of<V1Ingress>(o, 'Ingress').metadata!.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '60'),
      /proxy-read-timeout cuts connections quiet for 300 s/,
    );
    passesAndCatches(
      ingressProblems,
      (o) => configJson(o, (c) => (c.publicUrl = 'https://notebooks.example.com')),
      /is not the Ingress's host/,
    );
    passesAndCatches(
      ingressProblems,
      (o) => configJson(o, (c) => (c.notebookHost = '{id}.notebooks.example.com')),
      /does not serve \(or hold a certificate for\) the notebooks' hosts \*\.notebooks\.example\.com/,
    );
    passesAndCatches(
      ingressProblems,
      (o) => (of<V1Ingress>(o, 'Ingress').spec!.tls![0]!.hosts = ['demanager.example.com']),
      /hold a certificate for/,
    );
    passesAndCatches(ingressProblems, (o) => configJson(o, (c) => delete c.trustProxy), /trustProxy is false/);
    passesAndCatches(ingressProblems, (o) => configJson(o, (c) => (c.trustProxy = true)), /trustProxy is true/);
    passesAndCatches(
      ingressProblems,
      (o) => delete of<V1Ingress>(o, 'Ingress').metadata!.annotations!['nginx.ingress.kubernetes.io/proxy-buffering'],
      /buffering/,
    );
    passesAndCatches(
      ingressProblems,
      (o) => (of<V1Ingress>(o, 'Ingress').spec!.ingressClassName = 'traefik'),
      /written for ingress-nginx, not traefik/,
    );
    passesAndCatches(
      ingressProblems,
      (o) => configJson(o, (c) => (c.publicUrl = 'http://demanager.example.com')),
      /publicUrl is not https/,
    );
  });

  it("let only demanager's Pods reach the notebook Pods the driver builds, on their notebook port", () => {
    const check: Check = (objects, view) => networkPolicyProblems(objects, driverNotebookPod(view));
    const policy = (o: KubernetesObject[]) => of<V1NetworkPolicy>(o, 'NetworkPolicy').spec!;
    passesAndCatches(
      check,
      (o) => configJson(o, (c) => (c.runtime.kubernetes.notebookPort = 8889)),
      /a rule opens TCP\/8888, not the notebook Pod's TCP\/8889/,
    );
    passesAndCatches(
      check,
      (o) => policy(o).ingress![0]!._from!.push({ namespaceSelector: {} }),
      /admits more than demanager's Pods/,
    );
    passesAndCatches(check, (o) => delete policy(o).ingress![0]!.ports, /opens every port/);
    passesAndCatches(check, (o) => (policy(o).policyTypes = ['Egress']), /does not restrict ingress/);
    passesAndCatches(
      check,
      (o) => (policy(o).podSelector = { matchLabels: { 'app.kubernetes.io/managed-by': 'helm' } }),
      /0 NetworkPolicies select the notebook Pods in demanager/,
    );
    passesAndCatches(
      check,
      (o) => (policy(o).podSelector!.matchLabels!['demanager.io/run'] = 'run1'),
      /selects by more than the label of every notebook Pod/,
    );
  });
});
