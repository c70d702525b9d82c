/**
 * @module runtime/kubernetes/work-volume
 * The instance's storage as a Pod volume. `evs` is the instance's own claim (made by `prepare`,
 * kept across stop and start, deleted with the instance). `obs` (and the other shared kinds) is
 * the one volume the operator configured for the object store, of which each instance mounts its
 * own path (`/bucket/dir/` → sub-path `bucket/dir`), as the local runtime maps it under its root.
 */
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Instance, Storage } from '../../core/model/instance.js';
import { WorkloadError } from '../../core/ports/runtime.js';
import { pathSegments } from '../local/safe-paths.js';
import { instanceMetadata, type ObjectScope, type ResourceNames } from './resource-names.js';

export const WORK_VOLUME = 'work';

export interface WorkVolume {
  volume: { name: string } & Record<string, unknown>;
  subPath?: string;
}

export function workVolume(
  storage: Storage,
  names: ResourceNames,
  obsVolume: Record<string, unknown> | null,
): WorkVolume {
  if (storage.type === 'evs')
    return { volume: { name: WORK_VOLUME, persistentVolumeClaim: { claimName: names.claim } } };
  if (!obsVolume) {
    throw new WorkloadError(
      `This service has no volume for ${storage.type} storage (runtime.kubernetes.obsVolume is not set).`,
      'ModelArts.6361',
      { phase: 'storage' },
    );
  }
  return { volume: { ...obsVolume, name: WORK_VOLUME }, subPath: objectSubPath(storage) };
}

/** `/bucket/dir/` → `bucket/dir`; refuses what could leave the volume. */
export function objectSubPath(storage: Storage): string {
  const path = storage.location.path ?? '';
  let segments: string[];
  try {
    segments = pathSegments(path);
  } catch (err) {
    throw new WorkloadError(`Invalid storage: ${(err as Error).message}`, 'ModelArts.6361', { phase: 'storage' });
  }
  if (segments.length === 0)
    throw new WorkloadError(
      `The ${storage.type} storage path ${JSON.stringify(path)} names no bucket.`,
      'ModelArts.6361',
      { phase: 'storage' },
    );
  return segments.join('/');
}

/** The `evs` claim: `volume_size` GiB of the configured class (the cluster's default without one). */
export function claimManifest(
  instance: Pick<Instance, 'id' | 'projectId'> & { spec: Pick<Instance['spec'], 'storage'> },
  names: ResourceNames,
  scope: ObjectScope,
  storageClass: string | null,
): V1PersistentVolumeClaim {
  const size = instance.spec.storage.location.volume_size ?? 5;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: instanceMetadata(instance, names.claim, scope),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: `${size}Gi` } },
      ...(storageClass ? { storageClassName: storageClass } : {}),
    },
  };
}
