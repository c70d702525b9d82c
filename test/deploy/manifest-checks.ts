/**
 * @module test/deploy/manifest-checks
 * What must hold between demanager's Kubernetes manifests, its code and its docs. Each check
 * returns the problems it finds (empty when all holds), so a test can show both that the shipped
 * manifests pass and that a manifest broken in that one way fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1Ingress,
  V1LabelSelector,
  V1NetworkPolicy,
  V1Pod,
  V1PodDisruptionBudget,
  V1Probe,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { isPostgresUrl, loadConfigOptions } from '../../src/server/config.js';
import type { ApiUsage } from '../../src/runtime/kubernetes/api-usage.js';
import { podManifest } from '../../src/runtime/kubernetes/pod-manifest.js';
import { MANAGED_BY, MANAGER, resourceNames } from '../../src/runtime/kubernetes/resource-names.js';
import { TEST_INSTALLATION, testInstance, testWorkload } from '../runtime/kubernetes/k8s-fixtures.js';
import { objectsOfKind, onlyOfKind, serverContainer, type PodView } from './pod-environment.js';

/** The paths demanager answers for the kubelet (test/deploy checks the server answers them). */
export const HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function deploymentOf(objects: readonly KubernetesObject[]) {
  const deployment = onlyOfKind<V1Deployment>(objects, 'Deployment');
  const pod = deployment.spec?.template;
  return { deployment, pod, podLabels: pod?.metadata?.labels ?? {}, container: serverContainer(deployment) };
}

/** Whether a selector (matchLabels only: anything else is reported) selects Pods with `labels`. */
function selects(selector: V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return (
    wanted.length > 0 && !selector?.matchExpressions?.length && wanted.every(([key, value]) => labels[key] === value)
  );
}

function containerPort(container: V1Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The Role grants exactly the calls the driver makes, in its namespace, to its service account. */
export function rbacProblems(objects: readonly KubernetesObject[], usage: readonly ApiUsage[]): string[] {
  const problems: string[] = [];
  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
    if (objectsOfKind(objects, kind).length > 0) problems.push(`a ${kind} grants beyond the namespace`);
  }
  const roles = objectsOfKind<V1Role>(objects, 'Role');
  if (roles.length !== 1) return [...problems, `${roles.length} Roles, not one`];
  const role = roles[0]!;
  const granted = new Set<string>();
  for (const rule of role.rules ?? []) {
    if (rule.resourceNames?.length || rule.nonResourceURLs?.length)
      problems.push('a rule names resources or URLs the driver does not use that way');
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs) granted.add(`${group}/${resource}: ${verb}`);
  }
  const needed = new Set(usage.flatMap((u) => u.verbs.map((verb) => `${u.group}/${u.resource}: ${verb}`)));
  for (const call of needed)
    if (!granted.has(call)) problems.push(`the Role does not grant ${call}, which the driver calls`);
  for (const call of granted)
    if (!needed.has(call)) problems.push(`the Role grants ${call}, which the driver never calls`);

  const { deployment, pod } = deploymentOf(objects);
  const account = pod?.spec?.serviceAccountName;
  if (!objectsOfKind<V1ServiceAccount>(objects, 'ServiceAccount').some((a) => a.metadata?.name === account))
    problems.push(`the Pods' service account ${account} is not in the manifests`);
  const bindings = objectsOfKind<V1RoleBinding>(objects, 'RoleBinding').filter(
    (b) => b.roleRef.name === role.metadata?.name,
  );
  const subject = { kind: 'ServiceAccount', name: account, namespace: deployment.metadata?.namespace };
  const bound = bindings.some(
    (b) =>
      b.roleRef.kind === 'Role' &&
      b.subjects?.length === 1 &&
      isDeepStrictEqual({ ...b.subjects[0] }, subject) &&
      b.metadata?.namespace === role.metadata?.namespace,
  );
  if (!bound) problems.push(`no RoleBinding binds exactly ${JSON.stringify(subject)} to the Role`);
  return problems;
}

function httpPath(probe: V1Probe | undefined, container: V1Container, port: number): string | undefined {
  const get = probe?.httpGet;
  return get && containerPort(container, get.port) === port ? get.path : undefined;
}

/** The kubelet's probes ask demanager's own health paths, on the port it listens on. */
export function probeProblems(objects: readonly KubernetesObject[], view: PodView): string[] {
  const { container } = deploymentOf(objects);
  const port = view.config.port;
  const problems: string[] = [];
  if (httpPath(container.readinessProbe, container, port) !== HEALTH_PATHS.readiness)
    problems.push(`the readiness probe must GET ${HEALTH_PATHS.readiness} on port ${port}`);
  if (httpPath(container.livenessProbe, container, port) !== HEALTH_PATHS.liveness)
    problems.push(`the liveness probe must GET ${HEALTH_PATHS.liveness} on port ${port}`);
  // Liveness, not readiness: a replica waiting for its database is alive and must not be killed.
  if (httpPath(container.startupProbe, container, port) !== HEALTH_PATHS.liveness)
    problems.push(`the startup probe must GET ${HEALTH_PATHS.liveness} on port ${port}`);
  return problems;
}

/** The ConfigMap's file, read by demanager's loader in the Pod, runs the kubernetes driver in-cluster on PostgreSQL. */
export function configProblems(objects: readonly KubernetesObject[], view: PodView): string[] {
  const { config } = view;
  const { deployment, container } = deploymentOf(objects);
  const problems: string[] = [];
  if (config.runtime.driver !== 'kubernetes')
    problems.push(`runtime.driver is ${config.runtime.driver}, not kubernetes`);
  if (config.runtime.kubernetes.kubeconfig.from !== 'in-cluster')
    problems.push("the driver must use the Pod's service account (no kubeconfig)");
  if (LOOPBACK.has(config.host)) problems.push(`host ${config.host} is unreachable from the kubelet and the Service`);
  if (containerPort(container, 'http') !== config.port)
    problems.push(`the container port http is not demanager's port ${config.port}`);
  if ((deployment.spec?.replicas ?? 1) > 1 && !isPostgresUrl(config.databaseUrl))
    problems.push('several replicas need PostgreSQL');
  if (!config.masterKey) problems.push('no master key: every replica must have the same one');
  const namespaces = new Map<string, string | undefined>([['the driver', config.runtime.kubernetes.namespace]]);
  for (const object of objects) namespaces.set(`${object.kind} ${object.metadata?.name}`, object.metadata?.namespace);
  for (const [what, namespace] of namespaces)
    if (namespace !== deployment.metadata?.namespace)
      problems.push(`${what} is in namespace ${namespace}, not ${deployment.metadata?.namespace}`);
  return problems;
}

/** Every variable the Deployment sets changes what demanager loads: none is a typo or a leftover. */
export function envProblems(objects: readonly KubernetesObject[], view: PodView): string[] {
  const full = loadConfigOptions(view.env);
  return (deploymentOf(objects).container.env ?? []).flatMap(({ name }) => {
    const without = { ...view.env };
    delete without[name];
    return isDeepStrictEqual(loadConfigOptions(without), full) ? [`demanager does not read ${name}`] : [];
  });
}

/** Each leaf of a JSON value with its path, and a copy with that leaf changed. */
function perturbedLeaves(value: unknown, path: string[] = []): { path: string; changed: unknown }[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      perturbedLeaves(inner, [...path, key]).map(({ path: leaf, changed }) => ({
        path: leaf,
        changed: Array.isArray(value) ? Object.assign([...value], { [key]: changed }) : { ...value, [key]: changed },
      })),
    );
  }
  const changed = typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : `${String(value)}x`;
  return [{ path: path.join('.'), changed }];
}

/** Every setting of the config file changes what demanager resolves: none is a typo, a leftover or overridden. */
export function configFileProblems(view: PodView, scratchFile: string): string[] {
  const file = view.env.DEMANAGER_CONFIG;
  if (!file) return ['DEMANAGER_CONFIG is not set'];
  const baseline = JSON.stringify(view.config);
  return perturbedLeaves(JSON.parse(readFileSync(file, 'utf8'))).flatMap(({ path, changed }) => {
    writeFileSync(scratchFile, JSON.stringify(changed));
    try {
      return JSON.stringify(view.load({ ...view.env, DEMANAGER_CONFIG: scratchFile })) === baseline
        ? [`demanager ignores ${path} of its config file`]
        : [];
    } catch {
      return []; // refused: the loader read it
    }
  });
}

function documentedSecretKeys(readme: string, name: string): Set<string> | undefined {
  const command = readme.match(new RegExp(`create secret generic ${name}\\b((?:.*\\\\\\n)*.*)`));
  return command
    ? new Set([...command[1]!.matchAll(/--from-(?:literal|file)=([\w.-]+)=/g)].map((m) => m[1]!))
    : undefined;
}

/** No secret in the repository; every Secret key the Pods read is in the README's command, and nothing else is. */
export function secretProblems(objects: readonly KubernetesObject[], view: PodView, readme: string): string[] {
  const problems = objectsOfKind(objects, 'Secret').map((s) => `Secret ${s.metadata?.name} is in the manifests`);
  const file = objectsOfKind<V1ConfigMap>(objects, 'ConfigMap')
    .flatMap((c) => Object.values(c.data ?? {}))
    .join('\n');
  for (const field of ['databaseUrl', 'masterKey', 'adminPassword'])
    if (file.includes(`"${field}"`)) problems.push(`${field} is in a ConfigMap; it belongs in the Secret`);
  const { container } = deploymentOf(objects);
  for (const name of ['DEMANAGER_DATABASE_URL', 'DEMANAGER_MASTER_KEY']) {
    if (!container.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef)
      problems.push(`${name} must come from a Secret`);
  }
  const referenced = new Map<string, Set<string>>();
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const name = ref.name ?? '';
    referenced.set(name, (referenced.get(name) ?? new Set()).add(ref.key));
  }
  for (const [name, keys] of referenced) {
    const documented = documentedSecretKeys(readme, name);
    if (!documented) {
      problems.push(`the README does not say how to create Secret ${name}`);
      continue;
    }
    for (const key of keys)
      if (!documented.has(key)) problems.push(`Secret ${name} key ${key} is not in the README's command`);
    for (const key of documented)
      if (!keys.has(key)) problems.push(`the README's Secret ${name} has key ${key}, which no Pod reads`);
  }
  for (const tls of onlyOfKind<V1Ingress>(objects, 'Ingress').spec?.tls ?? []) {
    if (tls.secretName && !readme.includes(`create secret tls ${tls.secretName}`))
      problems.push(`the README does not say how to create TLS Secret ${tls.secretName}`);
  }
  if (!view.env.DEMANAGER_CONFIG) problems.push('DEMANAGER_CONFIG is not set');
  return problems;
}

/** Service, disruption budget, spreading and network policy select demanager's Pods, and only the policy selects notebooks. */
export function selectorProblems(objects: readonly KubernetesObject[]): string[] {
  const { deployment, podLabels, container, pod } = deploymentOf(objects);
  const problems: string[] = [];
  if (!selects(deployment.spec?.selector, podLabels))
    problems.push("the Deployment's selector does not select its own Pods");
  const service = onlyOfKind<V1Service>(objects, 'Service');
  if (!selects({ matchLabels: service.spec?.selector ?? {} }, podLabels))
    problems.push("the Service does not select demanager's Pods");
  for (const port of service.spec?.ports ?? []) {
    if (containerPort(container, port.targetPort ?? port.port) === undefined)
      problems.push(`the Service port ${port.name} targets no container port`);
  }
  const budget = onlyOfKind<V1PodDisruptionBudget>(objects, 'PodDisruptionBudget');
  if (!selects(budget.spec?.selector, podLabels))
    problems.push("the PodDisruptionBudget does not select demanager's Pods");
  const replicas = deployment.spec?.replicas ?? 1;
  if (typeof budget.spec?.minAvailable !== 'number' || budget.spec.minAvailable >= replicas)
    problems.push(`the PodDisruptionBudget must leave room to evict one of ${replicas} replicas`);
  for (const spread of pod?.spec?.topologySpreadConstraints ?? [])
    if (!selects(spread.labelSelector, podLabels))
      problems.push("a topology spread constraint does not select demanager's Pods");
  for (const policy of objectsOfKind<V1NetworkPolicy>(objects, 'NetworkPolicy')) {
    if (selects(policy.spec?.podSelector, podLabels))
      problems.push(`NetworkPolicy ${policy.metadata?.name} selects demanager's own Pods`);
  }
  for (const rule of onlyOfKind<V1Ingress>(objects, 'Ingress').spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      const backend = path.backend.service;
      const port = service.spec?.ports?.find((p) =>
        backend?.port?.name ? p.name === backend.port.name : p.port === backend?.port?.number,
      );
      if (backend?.name !== service.metadata?.name || !port)
        problems.push(`the Ingress path ${path.path} does not reach the Service's port`);
    }
  }
  return problems;
}

/** Non-root, read-only root, no privilege, bounded resources; demanager writes only to emptyDirs. */
export function securityProblems(objects: readonly KubernetesObject[], view: PodView): string[] {
  const { pod, container } = deploymentOf(objects);
  const spec = pod?.spec;
  const context = container.securityContext;
  const problems: string[] = [];
  if (!(context?.runAsNonRoot ?? spec?.securityContext?.runAsNonRoot)) problems.push('runAsNonRoot is not set');
  if ((context?.seccompProfile ?? spec?.securityContext?.seccompProfile)?.type !== 'RuntimeDefault')
    problems.push('the seccomp profile is not RuntimeDefault');
  if (context?.allowPrivilegeEscalation !== false) problems.push('privilege escalation is allowed');
  if (context?.privileged) problems.push('the container is privileged');
  if (context?.readOnlyRootFilesystem !== true) problems.push('the root filesystem is writable');
  if (!context?.capabilities?.drop?.includes('ALL') || context.capabilities.add?.length)
    problems.push('capabilities are not all dropped');
  if (spec?.hostNetwork || spec?.hostPID || spec?.hostIPC || spec?.volumes?.some((v) => v.hostPath))
    problems.push("the Pod uses the host's namespaces or files");
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'])
      if (!container.resources?.[kind]?.[resource]) problems.push(`no ${resource} ${kind.slice(0, -1)}`);
  }
  for (const dir of [view.config.dataDir, '/tmp']) {
    const mount = container.volumeMounts?.find((m) => dir === m.mountPath || dir.startsWith(`${m.mountPath}/`));
    const volume = spec?.volumes?.find((v) => v.name === mount?.name);
    if (!mount || mount.readOnly || !volume?.emptyDir) problems.push(`${dir} is not on a writable emptyDir`);
  }
  return problems;
}

function seconds(annotations: Record<string, string> | undefined, name: string): number {
  return Number(annotations?.[`nginx.ingress.kubernetes.io/${name}`] ?? 60);
}

/** The Ingress serves publicUrl (and notebookHost's hosts) and keeps notebook WebSockets and change streams open as long as demanager does. */
export function ingressProblems(objects: readonly KubernetesObject[], view: PodView): string[] {
  const { config } = view;
  const ingress = onlyOfKind<V1Ingress>(objects, 'Ingress');
  const problems: string[] = [];
  const publicUrl = config.publicUrl ? new URL(config.publicUrl) : undefined;
  const ruleHosts = (ingress.spec?.rules ?? []).map((r) => r.host);
  const tlsHosts = (ingress.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  // With notebookHost, each notebook's host is one label under the same name: one wildcard rule
  // (and certificate) serves them all, beside publicUrl's host for the API and the console.
  const pattern = config.notebookHost;
  const notebookHosts = pattern ? `*${pattern.suffix.slice(pattern.suffix.indexOf('.'))}` : undefined;
  const hosts = [...ruleHosts, ...tlsHosts];
  if (!publicUrl || hosts.some((host) => host !== publicUrl.hostname && host !== notebookHosts))
    problems.push(`publicUrl ${config.publicUrl} is not the Ingress's host (${hosts.join(', ')})`);
  if (notebookHosts && !(ruleHosts.includes(notebookHosts) && (!tlsHosts.length || tlsHosts.includes(notebookHosts))))
    problems.push(`the Ingress does not serve (or hold a certificate for) the notebooks' hosts ${notebookHosts}`);
  if (ingress.spec?.tls?.length && publicUrl?.protocol !== 'https:')
    problems.push('the Ingress terminates TLS but publicUrl is not https');
  if (ingress.spec?.ingressClassName !== 'nginx') {
    problems.push(`the timeouts are written for ingress-nginx, not ${ingress.spec?.ingressClassName}`);
  } else {
    const annotations = ingress.metadata?.annotations;
    // A notebook's WebSocket may be quiet as long as the proxy lets it be; a change stream sends a keep-alive.
    const quiet = Math.max(config.limits.workloadIdleSeconds, config.limits.eventKeepAliveSeconds + 1);
    for (const name of ['proxy-read-timeout', 'proxy-send-timeout'])
      if (!(seconds(annotations, name) >= quiet)) problems.push(`${name} cuts connections quiet for ${quiet} s`);
    if (annotations?.['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off')
      problems.push('response buffering holds back the change stream');
  }
  // Behind the Ingress every request comes from the ingress controller's address unless its
  // forwarded client address is believed: exactly the one hop in front, not a chain a client wrote.
  if (config.trustProxy !== 1)
    problems.push(
      `trustProxy is ${JSON.stringify(config.trustProxy)}, not the one ingress hop: per-address limits and the audit would see the controller, or a client's own X-Forwarded-For`,
    );
  return problems;
}

/** The notebook Pod the runtime driver builds with the resolved config, as the cluster would get it. */
export function driverNotebookPod(view: PodView): V1Pod {
  const { kubeconfig, unschedulableMs, ...cluster } = view.config.runtime.kubernetes;
  return podManifest(testWorkload(), resourceNames(testInstance().id), 'run1', {
    ...cluster,
    installationId: TEST_INSTALLATION,
  });
}

/** Notebook Pods, as the driver builds them, take connections only from demanager's Pods, on their notebook port. */
export function networkPolicyProblems(objects: readonly KubernetesObject[], notebook: V1Pod): string[] {
  const { podLabels } = deploymentOf(objects);
  const labels = notebook.metadata?.labels ?? {};
  const policies = objectsOfKind<V1NetworkPolicy>(objects, 'NetworkPolicy').filter(
    (p) => p.metadata?.namespace === notebook.metadata?.namespace && selects(p.spec?.podSelector, labels),
  );
  if (policies.length !== 1)
    return [`${policies.length} NetworkPolicies select the notebook Pods in ${notebook.metadata?.namespace}, not one`];
  const policy = policies[0]!;
  const problems: string[] = [];
  // Only the label every object of every instance carries: the others name one instance or run.
  if (!isDeepStrictEqual({ ...policy.spec?.podSelector?.matchLabels }, { [MANAGED_BY]: MANAGER }))
    problems.push('the policy selects by more than the label of every notebook Pod');
  if (!policy.spec?.policyTypes?.includes('Ingress')) problems.push('the policy does not restrict ingress');
  const rules = policy.spec?.ingress ?? [];
  if (rules.length === 0) problems.push('no rule lets demanager in');
  const notebookPorts = (notebook.spec?.containers ?? [])
    .flatMap((c) => c.ports ?? [])
    .map((p) => `${p.protocol ?? 'TCP'}/${p.containerPort}`);
  for (const rule of rules) {
    const peers = rule._from ?? [];
    if (
      peers.length === 0 ||
      peers.some((peer) => peer.namespaceSelector || peer.ipBlock || !selects(peer.podSelector, podLabels))
    )
      problems.push("a rule admits more than demanager's Pods");
    const ports = (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`);
    if (!isDeepStrictEqual(ports, notebookPorts))
      problems.push(
        `a rule opens ${ports.join(', ') || 'every port'}, not the notebook Pod's ${notebookPorts.join(', ')}`,
      );
  }
  return problems;
}
