/**
 * @module test/runtime/kubernetes/k8s-fixtures
 * Recorded Pod and Event JSON (the real API's shape), and a workload to build manifests for.
 */
import { readFileSync } from 'node:fs';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { BUILTIN_CATALOG } from '../../../src/core/model/builtin-catalog.js';
import type { Instance } from '../../../src/core/model/instance.js';
import type { Workload } from '../../../src/core/ports/runtime.js';
import type { ClusterSettings } from '../../../src/runtime/kubernetes/kubernetes-driver-options.js';
import type { ObjectScope } from '../../../src/runtime/kubernetes/resource-names.js';
import { makeSparseInstance } from '../../store/fixtures.js';

export function recordedPod(name: string): V1Pod {
  return JSON.parse(readFileSync(new URL(`fixtures/pod-${name}.json`, import.meta.url), 'utf8')) as V1Pod;
}

export function recordedEvents(): CoreV1Event[] {
  return (
    JSON.parse(readFileSync(new URL('fixtures/events.json', import.meta.url), 'utf8')) as { items: CoreV1Event[] }
  ).items;
}

/** The installation (Store.installationId) the drivers and manifests of these tests belong to. */
export const TEST_INSTALLATION = '3f6b1e2a-9c4d-4e8f-a7b2-1d5c9e0f4a6b';

/** The cluster side of a driver's options, as the manifest and driver tests build on it. */
export function testClusterSettings(
  overrides: Partial<ClusterSettings & ObjectScope> = {},
): ClusterSettings & ObjectScope {
  return {
    namespace: 'notebooks',
    installationId: TEST_INSTALLATION,
    registry: 'swr.example.com',
    storageClass: 'csi-disk',
    obsVolume: { persistentVolumeClaim: { claimName: 'obs-bucket' } },
    clusterDomain: 'cluster.local',
    notebookPort: 8888,
    imagePullSecrets: ['swr-pull'],
    pauseImage: 'registry.k8s.io/pause:3.10',
    ...overrides,
  };
}

/** A started-to-be instance of the built-in catalog with 5 GiB of evs storage. */
export function testInstance(overrides: Partial<Instance> = {}): Instance {
  const sparse = makeSparseInstance({
    id: 'DE-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38',
    projectId: '5f0f5c3c2a1b4f0e9d8c7b6a5f4e3d2c',
  });
  return {
    ...sparse,
    status: 'STARTING',
    profileId: 'Multi-Engine 1.0 (python3)-cpu',
    spec: { ...sparse.spec, storage: { type: 'evs', location: { volume_size: 5 } } },
    prepared: true,
    ...overrides,
  };
}

export function testWorkload(instance: Instance = testInstance(), progress?: (message: string) => void): Workload {
  const profile = BUILTIN_CATALOG.profiles.find((p) => p.id === instance.profileId)!;
  const flavor = BUILTIN_CATALOG.flavors.find((f) => f.name === instance.flavor)!;
  return { instance, profile, flavor, ...(progress ? { progress } : {}) };
}
