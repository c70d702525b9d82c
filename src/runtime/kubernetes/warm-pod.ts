/**
 * @module runtime/kubernetes/warm-pod
 * What makes a Pod a warm one (core/warm): a notebook Pod, with its Service, token Secret and work
 * claim, made ahead for the instance id its slot pre-assigns, and labelled `demanager.io/warm` so
 * the driver reads its slots back from the cluster and no exit or orphan sweep mistakes it for an
 * instance's. A start of that id takes it over by a label change: the label goes and the project's
 * comes, in one JSON patch that first tests the Pod is still the warm one it saw. The Service,
 * Secret and claim made ahead keep the empty project label they were made with: nothing reads it,
 * and relabelling them would need the Role to grant `patch` on them too. The token needs nothing:
 * it is derived from the instance id and the warm run, both fixed before the create.
 *
 * A Pod's volumes, node selection and command cannot change once it exists, so a warm Pod is made
 * for the one shape a create is most likely to ask for: `evs` storage of the smallest size at the
 * default mount path, on no dedicated pool. Its shape (the spec the instance's own Pod and claim
 * would have) is recorded on it as a digest. A create that asks for another (obs storage, a larger
 * volume, a pool) does not take a warm Pod's slot ({@link servesShape}), which stays free for one
 * that fits; should a start still meet a warm Pod of another shape (the settings changed between
 * the create and the start), it gets its own Pod the usual way, the warm one removed first.
 */
import { createHash } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { EVS_RANGE } from '../../core/instances/requests.js';
import type { Flavor, Profile } from '../../core/model/catalog.js';
import type { WarmShape, WarmSlot } from '../../core/ports/runtime.js';
import type { ClusterSettings } from './kubernetes-driver-options.js';
import { podManifest, type ManifestWorkload } from './pod-manifest.js';
import { labelValue, PROJECT_LABEL, resourceNames, type ObjectScope, type ResourceNames } from './resource-names.js';
import { claimManifest } from './work-volume.js';

/** `true` on a Pod kept as a warm slot; gone once a start took it over. */
export const WARM_LABEL = 'demanager.io/warm';
const FLAVOR_ANNOTATION = 'demanager.io/warm-flavor';
const PROFILE_ANNOTATION = 'demanager.io/warm-profile';
/** A digest of the Pod and claim specs the warm Pod was made with (see {@link podShape}). */
const SHAPE_ANNOTATION = 'demanager.io/warm-shape';

/** The instance a warm Pod serves, as far as its objects go: no project yet, the most common storage. */
export function warmWorkload(slot: Omit<WarmSlot, 'ready'>, profile: Profile, flavor: Flavor): ManifestWorkload {
  return {
    profile,
    flavor,
    instance: {
      id: slot.instanceId,
      projectId: '',
      pool: null,
      spec: { storage: { type: 'evs', location: { volume_size: EVS_RANGE.min } } },
    },
  };
}

/**
 * Everything about the workload's Pod and claim that is fixed at their creation, as a digest:
 * equal digests mean the warm Pod is the Pod the instance would have been given.
 */
export function podShape(
  workload: ManifestWorkload,
  names: ResourceNames,
  settings: ClusterSettings & ObjectScope,
): string {
  const { storage } = workload.instance.spec;
  const claim =
    storage.type === 'evs' ? claimManifest(workload.instance, names, settings, settings.storageClass) : null;
  const specs = [podManifest(workload, names, '', settings).spec, claim?.spec ?? null];
  return createHash('sha256').update(JSON.stringify(specs)).digest('hex').slice(0, 32);
}

/** The warm Pod of a slot: the notebook Pod of {@link warmWorkload}, marked as the slot's. */
export function warmPodManifest(
  slot: Omit<WarmSlot, 'ready'>,
  workload: ManifestWorkload,
  names: ResourceNames,
  runId: string,
  settings: ClusterSettings & ObjectScope,
): V1Pod {
  const pod = podManifest(workload, names, runId, settings);
  pod.metadata!.labels![WARM_LABEL] = 'true';
  Object.assign(pod.metadata!.annotations!, {
    [FLAVOR_ANNOTATION]: slot.flavor,
    [PROFILE_ANNOTATION]: slot.profileId,
    [SHAPE_ANNOTATION]: podShape(workload, names, settings),
  });
  return pod;
}

export function isWarmPod(pod: V1Pod | undefined): boolean {
  return pod?.metadata?.labels?.[WARM_LABEL] === 'true';
}

/** The flavor and profile a warm Pod was made for; null for a Pod that is not one. */
export function warmSlotOf(pod: V1Pod): { flavor: string; profileId: string } | null {
  const annotations = pod.metadata?.annotations ?? {};
  const flavor = annotations[FLAVOR_ANNOTATION];
  const profileId = annotations[PROFILE_ANNOTATION];
  return isWarmPod(pod) && flavor && profileId ? { flavor, profileId } : null;
}

/** Any instance id: the shape of a Pod depends on its id only through names that both sides share. */
const SHAPE_PROBE = 'DE-00000000-0000-4000-8000-000000000000';

/**
 * Whether an instance of `shape` would be given the Pod and claim a warm Pod of `flavor` and
 * `profile` is made with: what a create asks before it takes a slot (core/warm).
 */
export function servesShape(
  shape: WarmShape,
  profile: Profile,
  flavor: Flavor,
  settings: ClusterSettings & ObjectScope,
): boolean {
  const warm = warmWorkload({ instanceId: SHAPE_PROBE, flavor: flavor.name, profileId: profile.id }, profile, flavor);
  const wanted = { ...warm, instance: { ...warm.instance, pool: shape.pool, spec: { storage: shape.spec.storage } } };
  const names = resourceNames(SHAPE_PROBE);
  return podShape(wanted, names, settings) === podShape(warm, names, settings);
}

/** Whether `workload` would have been given exactly this warm Pod (and claim). */
export function fits(
  pod: V1Pod,
  workload: ManifestWorkload,
  names: ResourceNames,
  settings: ClusterSettings & ObjectScope,
): boolean {
  return pod.metadata?.annotations?.[SHAPE_ANNOTATION] === podShape(workload, names, settings);
}

/**
 * The JSON patch that makes a warm Pod the instance's: it applies only to the very Pod seen (its
 * uid) while it is still warm, so a Pod removed or replaced meanwhile is never relabelled.
 */
export function takeOverPatch(pod: V1Pod, projectId: string): object[] {
  const label = (key: string) => `/metadata/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return [
    { op: 'test', path: '/metadata/uid', value: pod.metadata?.uid },
    { op: 'test', path: label(WARM_LABEL), value: 'true' },
    { op: 'remove', path: label(WARM_LABEL) },
    { op: 'add', path: label(PROJECT_LABEL), value: labelValue(projectId) },
  ];
}
