/**
 * @module runtime/kubernetes/pod-manifest
 * The Pod of one run of an instance. Why it looks the way it does:
 * - the token comes from the instance's Secret through `JUPYTER_TOKEN` (read by notebook 6 and
 *   jupyter_server alike): an environment taken from a Secret is not visible in the Pod spec;
 * - requests equal limits (the Guaranteed class): a notebook gets what its flavor promises and is
 *   the last to be evicted;
 * - `restartPolicy: OnFailure`: a server that crashes comes back on its own and a crash loop is
 *   visible as such, while a server shut down on purpose ends the Pod;
 * - no service account token and no service links: a notebook runs users' code and has no
 *   business with the cluster's API;
 * - readiness is the notebook port accepting connections; the proxy finds it through the Service.
 */
import type { V1Container, V1Pod, V1ResourceRequirements, V1Toleration, V1Volume } from '@kubernetes/client-node';
import type { Instance } from '../../core/model/instance.js';
import type { Workload } from '../../core/ports/runtime.js';
import { memorySize } from '../flavor-memory.js';
import type { ClusterSettings } from './kubernetes-driver-options.js';
import {
  instanceMetadata,
  labelValue,
  POOL_KEY,
  RUN_LABEL,
  type ObjectScope,
  type ResourceNames,
} from './resource-names.js';
import { workVolume } from './work-volume.js';

export const TOKEN_KEY = 'token';
export const NOTEBOOK_CONTAINER = 'notebook';
const DEFAULT_MOUNT = '/home/ma-user/work';

/** What of an instance its objects are made from: a warm Pod is made from this much before any create. */
export type ManifestInstance = Pick<Instance, 'id' | 'projectId' | 'pool'> & {
  spec: Pick<Instance['spec'], 'storage'>;
};

/** A workload as far as its Pod is concerned. */
export type ManifestWorkload = Pick<Workload, 'profile' | 'flavor'> & { instance: ManifestInstance };

export function basePathOf(instanceId: string): string {
  return `/notebook/${instanceId}/`;
}

/** `<registry>/<namespace>/<image_name>:<image_tag>` of the profile. */
export function imageOf(workload: Pick<Workload, 'profile'>, registry: string): string {
  const { namespace, image_name, image_tag } = workload.profile.provision.spec.params;
  return `${registry ? `${registry}/` : ''}${namespace}/${image_name}:${image_tag}`;
}

/** `8GiB` → `8Gi`, `512MB` → `512M`; a bare number is bytes. */
export function memoryQuantity(value: string | number): string {
  const { amount, prefix, binary } = memorySize(value);
  // Kubernetes writes the decimal kilo in lower case (k), every other prefix in upper case.
  return `${amount}${binary ? `${prefix}i` : prefix === 'K' ? 'k' : prefix}`;
}

/** Requests and limits from the flavor's params (`CPU`, `memory`, and `GPU` on GPU flavors). */
export function flavorResources(params: Record<string, string | number>, gpuFlavor: boolean): V1ResourceRequirements {
  const amounts: Record<string, string> = {};
  if (params.CPU !== undefined) amounts.cpu = String(params.CPU);
  if (params.memory !== undefined) amounts.memory = memoryQuantity(params.memory);
  const gpus = Number(params.GPU ?? 0);
  if (gpuFlavor && gpus > 0) amounts['nvidia.com/gpu'] = String(gpus);
  return { requests: { ...amounts }, limits: { ...amounts } };
}

export function notebookArgs(instanceId: string, port: number, notebookDir: string): string[] {
  return [
    'notebook',
    '--no-browser',
    '--NotebookApp.ip=0.0.0.0',
    `--NotebookApp.port=${port}`,
    '--NotebookApp.port_retries=0',
    `--NotebookApp.base_url=${basePathOf(instanceId)}`,
    `--NotebookApp.notebook_dir=${notebookDir}`,
    // The proxy keeps the browser's Host; Jupyter's DNS-rebinding guard would refuse it.
    '--NotebookApp.allow_remote_access=True',
    // Whether the server runs as root is the image's choice (its USER); without this Jupyter refuses root.
    '--allow-root',
  ];
}

export function podManifest(
  workload: ManifestWorkload,
  names: ResourceNames,
  runId: string,
  settings: ClusterSettings & ObjectScope,
): V1Pod {
  const { instance, flavor } = workload;
  const mountPath = instance.spec.storage.location.mount_path ?? DEFAULT_MOUNT;
  const work = workVolume(instance.spec.storage, names, settings.obsVolume);
  const metadata = instanceMetadata(instance, names.pod, settings);
  metadata.labels[RUN_LABEL] = runId;
  const container: V1Container = {
    name: NOTEBOOK_CONTAINER,
    image: imageOf(workload, settings.registry),
    command: ['jupyter'],
    args: notebookArgs(instance.id, settings.notebookPort, mountPath),
    workingDir: mountPath,
    ports: [{ name: 'notebook', containerPort: settings.notebookPort, protocol: 'TCP' }],
    env: [{ name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: names.secret, key: TOKEN_KEY } } }],
    resources: flavorResources(flavor.params, flavor.type === 'GPU'),
    readinessProbe: { tcpSocket: { port: settings.notebookPort }, periodSeconds: 2, failureThreshold: 3 },
    volumeMounts: [{ name: work.volume.name, mountPath, ...(work.subPath ? { subPath: work.subPath } : {}) }],
    securityContext: { allowPrivilegeEscalation: false },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      containers: [container],
      volumes: [work.volume as V1Volume],
      restartPolicy: 'OnFailure',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 30,
      ...(settings.imagePullSecrets.length
        ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) }
        : {}),
      ...poolScheduling(instance.pool?.id),
    },
  };
}

/** A dedicated pool's nodes are labelled and tainted `demanager.io/pool=<pool id>`. */
export function poolScheduling(poolId: string | undefined): {
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
} {
  if (!poolId) return {};
  const value = labelValue(poolId);
  return {
    nodeSelector: { [POOL_KEY]: value },
    tolerations: [{ key: POOL_KEY, operator: 'Equal', value, effect: 'NoSchedule' }],
  };
}
