/**
 * @module runtime/kubernetes/image-prepull
 * Keeps the images of flavors with warm slots pulled on every node their notebooks may land on,
 * so neither a warm Pod's replacement nor a create that gets no warm Pod (another storage, a
 * dedicated pool) waits for a pull. One DaemonSet per image and node selection (the general nodes,
 * and each pool of the catalog, whose nodes are labelled and tainted `demanager.io/pool=<id>`):
 * its Pod pulls the image by running it as an init container that exits at once, then idles in
 * a pause container of a few MiB, which keeps the image in use so the kubelet never collects it.
 * The sets are labelled with the installation and made, kept or deleted to match the catalog each
 * time the controller takes stock; nothing else of the driver reads them.
 */
import { createHash } from 'node:crypto';
import type { AppsV1Api, V1DaemonSet } from '@kubernetes/client-node';
import type { Catalog } from '../../core/model/catalog.js';
import type { Logger } from '../../core/shared/logger.js';
import { warmProfiles } from '../../core/warm/warm-plan.js';
import { clusterError, created, deleted } from './api-errors.js';
import type { ClusterSettings } from './kubernetes-driver-options.js';
import { imageOf, poolScheduling } from './pod-manifest.js';
import { INSTALLATION_LABEL, labelValue, MANAGED_BY, MANAGER, type ObjectScope } from './resource-names.js';

/** `true` on the pre-pull DaemonSets of an installation. */
export const PREPULL_LABEL = 'demanager.io/prepull';
/** Ties a set's Pods to it (its selector): only ever on those Pods, never on notebook ones. */
const SET_LABEL = 'demanager.io/prepull-set';
const IMAGE_ANNOTATION = 'demanager.io/image';
const POOL_ANNOTATION = 'demanager.io/pool-id';
/**
 * What a pre-pull Pod idles in by default: kept by most nodes already, as the sandbox of each Pod
 * (`runtime.kubernetes.pauseImage` names a mirror's copy where the cluster cannot reach it).
 */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
const IDLE_RESOURCES = { requests: { cpu: '1m', memory: '8Mi' }, limits: { cpu: '10m', memory: '32Mi' } };

/** The pre-pull sets the catalog asks for: every warm profile's image on the general nodes and on each pool's. */
export function prePullSets(catalog: Catalog, settings: ClusterSettings & ObjectScope): V1DaemonSet[] {
  const images = new Set<string>();
  for (const flavor of catalog.data.flavors)
    for (const id of warmProfiles(catalog, flavor))
      images.add(imageOf({ profile: catalog.profile(id)! }, settings.registry));
  const pools = [undefined, ...catalog.data.pools.map((p) => p.id)];
  return [...images].sort().flatMap((image) => pools.map((pool) => prePullSet(image, pool, settings)));
}

function prePullSet(image: string, poolId: string | undefined, settings: ClusterSettings & ObjectScope): V1DaemonSet {
  // Named by installation, pool and images, so a set is never another installation's or changed in
  // place: one whose pause image changed is a set of another name, and the old one is deleted.
  const digest = createHash('sha256')
    .update(JSON.stringify([settings.installationId, poolId ?? null, image, settings.pauseImage]))
    .digest('hex')
    .slice(0, 16);
  const name = `dm-pull-${digest}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      namespace: settings.namespace,
      labels: {
        [MANAGED_BY]: MANAGER,
        [INSTALLATION_LABEL]: labelValue(settings.installationId),
        [PREPULL_LABEL]: 'true',
      },
      annotations: { [IMAGE_ANNOTATION]: image, ...(poolId ? { [POOL_ANNOTATION]: poolId } : {}) },
    },
    spec: {
      selector: { matchLabels: { [SET_LABEL]: name } },
      template: {
        metadata: { labels: { [SET_LABEL]: name } },
        spec: {
          initContainers: [{ name: 'pull', image, command: ['sh', '-c', 'exit 0'], resources: IDLE_RESOURCES }],
          containers: [{ name: 'pause', image: settings.pauseImage, resources: IDLE_RESOURCES }],
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 1,
          ...(settings.imagePullSecrets.length
            ? { imagePullSecrets: settings.imagePullSecrets.map((secret) => ({ name: secret })) }
            : {}),
          ...poolScheduling(poolId),
        },
      },
    },
  };
}

/** Makes the installation's pre-pull sets those the catalog asks for: missing ones made, others deleted. */
export async function syncPrePull(
  api: AppsV1Api,
  wanted: readonly V1DaemonSet[],
  scope: ObjectScope,
  log: Logger,
): Promise<void> {
  const { namespace } = scope;
  const labelSelector = `${MANAGED_BY}=${MANAGER},${INSTALLATION_LABEL}=${labelValue(scope.installationId)},${PREPULL_LABEL}=true`;
  const present = await api.listNamespacedDaemonSet({ namespace, labelSelector }).catch((err: unknown) => {
    throw clusterError('listing the image pre-pull DaemonSets', err);
  });
  const names = new Set(wanted.map((set) => set.metadata!.name!));
  for (const set of present.items) {
    const name = set.metadata?.name;
    if (!name || names.has(name) || set.metadata?.deletionTimestamp) continue;
    log.info(
      { daemonSet: name, image: set.metadata?.annotations?.[IMAGE_ANNOTATION] },
      'no longer pre-pulling an image',
    );
    await deleted('the image pre-pull DaemonSet', () => api.deleteNamespacedDaemonSet({ name, namespace }));
  }
  const have = new Set(present.items.map((set) => set.metadata?.name));
  for (const body of wanted) {
    if (have.has(body.metadata!.name)) continue;
    log.info(
      { daemonSet: body.metadata!.name, image: body.metadata!.annotations![IMAGE_ANNOTATION] },
      'pre-pulling an image',
    );
    await created('the image pre-pull DaemonSet', () => api.createNamespacedDaemonSet({ namespace, body }));
  }
}
