/**
 * @module test/deploy/pod-environment
 * What demanager's container would find in its Pod, laid out in a local directory: its
 * environment (Secret values replaced by samples of the right form), the ConfigMaps mounted where
 * the Deployment mounts them, and the service account's namespace file the kubelet provides. Then
 * demanager's own config loader reads it, as `demanager serve` would in the Pod.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { KubernetesObject, V1ConfigMap, V1Container, V1Deployment } from '@kubernetes/client-node';
import { loadConfigOptions, resolveConfig, type Config, type ConfigOptions } from '../../src/server/config.js';

/** Sample values of the Secret's keys, each of the form demanager expects. */
const SECRET_SAMPLES: Record<string, string> = {
  'database-url': 'postgres://demanager@postgres.example:5432/demanager',
  'master-key': Buffer.alloc(32, 7).toString('base64'),
  'admin-password': 'sample-admin-password',
};

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function objectsOfKind<T extends KubernetesObject>(objects: readonly KubernetesObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

export function onlyOfKind<T extends KubernetesObject>(objects: readonly KubernetesObject[], kind: string): T {
  const found = objectsOfKind<T>(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}

/** The Deployment's demanager container. */
export function serverContainer(deployment: V1Deployment): V1Container {
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'demanager');
  if (!container) throw new Error('the Deployment has no container named demanager');
  return container;
}

export interface PodView {
  /** The container's environment, with in-Pod paths replaced by their local copies. */
  env: Record<string, string>;
  options: ConfigOptions;
  config: Config;
  /** Loads the config as `demanager serve` would in this Pod, from another environment. */
  load(env: Record<string, string>): Config;
}

/** Lays the Pod out under `dir` and loads demanager's config from it. */
export function loadPodConfig(objects: readonly KubernetesObject[], dir: string): PodView {
  const deployment = onlyOfKind<V1Deployment>(objects, 'Deployment');
  const container = serverContainer(deployment);
  const local = (path: string) => join(dir, path);
  for (const mount of container.volumeMounts ?? []) {
    const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`volume mount ${mount.name} names no volume`);
    if (!volume.configMap) continue;
    if (mount.subPath || volume.configMap.items)
      throw new Error(`mount ${mount.name}: only whole ConfigMaps are laid out here`);
    const configMap = objectsOfKind<V1ConfigMap>(objects, 'ConfigMap').find(
      (c) => c.metadata?.name === volume.configMap?.name,
    );
    if (!configMap)
      throw new Error(`volume ${volume.name} mounts ConfigMap ${volume.configMap.name}, which is not in the manifests`);
    mkdirSync(local(mount.mountPath), { recursive: true });
    for (const [key, value] of Object.entries(configMap.data ?? {}))
      writeFileSync(local(posix.join(mount.mountPath, key)), value);
  }
  const namespaceFile = local(SERVICE_ACCOUNT_NAMESPACE);
  mkdirSync(posix.dirname(namespaceFile), { recursive: true });
  writeFileSync(namespaceFile, deployment.metadata?.namespace ?? 'default');

  const mounted = (value: string) =>
    (container.volumeMounts ?? []).some((m) => value === m.mountPath || value.startsWith(`${m.mountPath}/`));
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined)
      env[variable.name] = mounted(variable.value) ? local(variable.value) : variable.value;
    else if (secret) env[variable.name] = SECRET_SAMPLES[secret.key] ?? `sample-${secret.key}`;
    else throw new Error(`env ${variable.name}: only values and Secret keys are laid out here`);
  }
  // The kubelet tells every container where the API server is.
  const load = (from: Record<string, string>) =>
    resolveConfig(loadConfigOptions(from), { env: { ...from, KUBERNETES_SERVICE_HOST: '10.0.0.1' }, namespaceFile });
  return { env, options: loadConfigOptions(env), config: load(env), load };
}
