import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-models/v1';
import { BUILTIN_CATALOG } from '../../../src/core/model/builtin-catalog.js';
import { Catalog } from '../../../src/core/model/catalog.js';
import { prePullSets } from '../../../src/runtime/kubernetes/image-prepull.js';
import {
  fits,
  takeOverPatch,
  WARM_LABEL,
  servesShape,
  warmPodManifest,
  warmSlotOf,
  warmWorkload,
} from '../../../src/runtime/kubernetes/warm-pod.js';
import { endpointOf, secretManifest, serviceManifest } from '../../../src/runtime/kubernetes/access-manifests.js';
import { flavorResources, memoryQuantity, podManifest } from '../../../src/runtime/kubernetes/pod-manifest.js';
import {
  instanceOf,
  labelValue,
  managedSelector,
  resourceNames,
} from '../../../src/runtime/kubernetes/resource-names.js';
import { claimManifest } from '../../../src/runtime/kubernetes/work-volume.js';
import { unappliedSettings } from '../../../src/runtime/kubernetes/kubernetes-driver.js';
import { TEST_INSTALLATION, testClusterSettings, testInstance, testWorkload } from './k8s-fixtures.js';

const settings = testClusterSettings();
const instance = testInstance();
const names = resourceNames(instance.id);

/** Validates against the Kubernetes OpenAPI schema; throws with the offending path otherwise. */
function valid<T>(Model: new (data: any) => { validate(): void }, object: T): T {
  new Model(object).validate();
  return object;
}

describe('names and labels', () => {
  it('derives every name from the instance id, within 63 characters, and finds the id again', () => {
    assert.deepEqual(names, {
      pod: 'nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38',
      service: 'nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38',
      secret: 'nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38-token',
      claim: 'nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38-work',
    });
    const pod = podManifest(testWorkload(), names, 'run1', settings);
    assert.equal(instanceOf(pod.metadata, TEST_INSTALLATION), instance.id);
    assert.equal(
      instanceOf({ labels: { 'demanager.io/instance': instance.id } }, TEST_INSTALLATION),
      undefined,
      'objects without managed-by are not ours',
    );
  });

  it("knows only its own installation's objects: another database's, or one without the label, are not its own", () => {
    const pod = podManifest(testWorkload(), names, 'run1', settings);
    assert.equal(instanceOf(pod.metadata, '9a8b7c6d-0000-4000-8000-000000000000'), undefined);
    const { 'demanager.io/installation': _, ...unscoped } = pod.metadata!.labels!;
    assert.equal(instanceOf({ ...pod.metadata, labels: unscoped }, TEST_INSTALLATION), undefined);
    assert.equal(
      managedSelector(TEST_INSTALLATION),
      `app.kubernetes.io/managed-by=demanager,demanager.io/installation=${TEST_INSTALLATION}`,
    );
  });

  it('cuts label values to what Kubernetes accepts', () => {
    assert.equal(labelValue('DE-abc'), 'DE-abc');
    assert.equal(labelValue('pool/with spaces!'), 'pool_with_spaces');
    assert.equal(labelValue('x'.repeat(80)).length, 63);
  });
});

describe('Pod manifest', () => {
  it('is a valid Pod running the profile image with the notebook command, the token from the Secret and the flavor resources', () => {
    const pod = valid(Pod, podManifest(testWorkload(), names, '9b1e4c7a2d5f8e03', settings));
    assert.deepEqual(pod.metadata!.labels, {
      'app.kubernetes.io/managed-by': 'demanager',
      'demanager.io/installation': TEST_INSTALLATION,
      'demanager.io/instance': instance.id,
      'demanager.io/project': instance.projectId,
      'demanager.io/run': '9b1e4c7a2d5f8e03',
    });
    const [container] = pod.spec!.containers;
    assert.equal(container!.image, 'swr.example.com/atelier/mul-kernel-cpu-cp36:2.0.5-B003');
    assert.deepEqual(container!.command, ['jupyter']);
    assert.ok(container!.args!.includes(`--NotebookApp.base_url=/notebook/${instance.id}/`));
    assert.ok(container!.args!.includes('--NotebookApp.port=8888'));
    assert.ok(!JSON.stringify(pod).includes('token='), 'no token on the command line');
    assert.deepEqual(container!.env, [
      { name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: names.secret, key: 'token' } } },
    ]);
    assert.deepEqual(container!.resources, {
      requests: { cpu: '2', memory: '8Gi' },
      limits: { cpu: '2', memory: '8Gi' },
    });
    assert.deepEqual(pod.spec!.volumes, [{ name: 'work', persistentVolumeClaim: { claimName: names.claim } }]);
    assert.deepEqual(container!.volumeMounts, [{ name: 'work', mountPath: '/home/ma-user/work' }]);
    assert.equal(pod.spec!.automountServiceAccountToken, false);
    assert.deepEqual(pod.spec!.imagePullSecrets, [{ name: 'swr-pull' }]);
    assert.equal(pod.spec!.nodeSelector, undefined);
  });

  it('asks for nvidia.com/gpu on GPU flavors, and schedules onto the dedicated pool with its toleration', () => {
    const gpu = testInstance({
      profileId: 'Multi-Engine 1.0 (python3)-gpu',
      flavor: 'modelarts.vm.gpu.v100',
      pool: { id: 'pool-a1', name: 'a1', type: 'USER_DEFINED', owner: null },
    });
    const pod = valid(Pod, podManifest(testWorkload(gpu), names, 'run1', settings));
    assert.deepEqual(pod.spec!.containers[0]!.resources!.limits, { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '1' });
    assert.deepEqual(pod.spec!.nodeSelector, { 'demanager.io/pool': 'pool-a1' });
    assert.deepEqual(pod.spec!.tolerations, [
      { key: 'demanager.io/pool', operator: 'Equal', value: 'pool-a1', effect: 'NoSchedule' },
    ]);
  });

  it('mounts obs storage from the configured volume at the instance path, under mount_path when given', () => {
    const obs = testInstance({
      spec: { ...instance.spec, storage: { type: 'obs', location: { path: '/bucket/work/', mount_path: '/data' } } },
    });
    const pod = valid(Pod, podManifest(testWorkload(obs), names, 'run1', settings));
    assert.deepEqual(pod.spec!.volumes, [{ name: 'work', persistentVolumeClaim: { claimName: 'obs-bucket' } }]);
    assert.deepEqual(pod.spec!.containers[0]!.volumeMounts, [
      { name: 'work', mountPath: '/data', subPath: 'bucket/work' },
    ]);
    assert.ok(pod.spec!.containers[0]!.args!.includes('--NotebookApp.notebook_dir=/data'));
  });

  it('refuses obs storage without a configured volume, and paths that leave it', () => {
    const obs = (path: string) =>
      testWorkload(testInstance({ spec: { ...instance.spec, storage: { type: 'obs', location: { path } } } }));
    assert.throws(() => podManifest(obs('/bucket/work/'), names, 'run1', { ...settings, obsVolume: null }), {
      code: 'ModelArts.6361',
      message: /runtime\.kubernetes\.obsVolume/,
    });
    assert.throws(() => podManifest(obs('/bucket/../etc/'), names, 'run1', settings), { code: 'ModelArts.6361' });
    assert.throws(() => podManifest(obs('/'), names, 'run1', settings), {
      code: 'ModelArts.6361',
      message: /names no bucket/,
    });
  });

  it('writes flavor sizes as Kubernetes quantities', () => {
    assert.equal(memoryQuantity('8GiB'), '8Gi');
    assert.equal(memoryQuantity('512MB'), '512M');
    assert.equal(memoryQuantity('1.5GiB'), '1.5Gi');
    assert.equal(memoryQuantity('100KB'), '100k');
    assert.equal(memoryQuantity(1024), '1024');
    assert.throws(() => memoryQuantity('lots'), { code: 'ModelArts.6361' });
    assert.deepEqual(
      flavorResources({ CPU: 8, GPU: 2, memory: '64GiB' }, false).limits,
      { cpu: '8', memory: '64Gi' },
      'no GPU on a CPU flavor',
    );
  });
});

describe('Service, Secret and claim', () => {
  it('the Service selects the instance Pod on the notebook port; the endpoint is its cluster name', () => {
    const service = valid(Service, serviceManifest(instance, names, settings));
    assert.deepEqual(service.spec!.selector, {
      'app.kubernetes.io/managed-by': 'demanager',
      'demanager.io/installation': TEST_INSTALLATION,
      'demanager.io/instance': instance.id,
    });
    const { 'demanager.io/run': _, ...podLabels } = podManifest(testWorkload(), names, 'run1', settings).metadata!
      .labels!;
    assert.deepEqual(service.metadata!.labels, podLabels, "the Pod's labels but its run");
    assert.deepEqual(service.spec!.ports, [{ name: 'notebook', port: 8888, targetPort: 8888, protocol: 'TCP' }]);
    assert.equal(endpointOf(names, settings), `http://${names.service}.notebooks.svc.cluster.local:8888`);
  });

  it('the Secret holds the token of the run, base64 as the API stores it', () => {
    const secret = valid(Secret, secretManifest(instance, names, settings, 'run1', 'a'.repeat(32)));
    assert.equal(Buffer.from(secret.data!.token!, 'base64').toString(), 'a'.repeat(32));
    assert.equal(secret.metadata!.labels!['demanager.io/run'], 'run1');
  });

  it('the claim asks for volume_size GiB of the configured class, or the default class without one', () => {
    const sized = testInstance({ spec: { ...instance.spec, storage: { type: 'evs', location: { volume_size: 50 } } } });
    const claim = valid(PersistentVolumeClaim, claimManifest(sized, names, settings, 'csi-disk'));
    assert.deepEqual(claim.spec, {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '50Gi' } },
      storageClassName: 'csi-disk',
    });
    assert.equal(claimManifest(sized, names, settings, null).spec!.storageClassName, undefined);
  });
});

describe('settings the kubernetes runtime does not apply yet', () => {
  it('are told, one note each, and none for a plain instance', () => {
    assert.deepEqual(unappliedSettings(instance), []);
    const full = testInstance({
      spec: {
        ...instance.spec,
        repository: { connection_info: { url: 'https://git.example.com/r.git' } },
        custom_script_path: '/init.sh',
        log_path: '/logs/',
      },
    });
    const notes = unappliedSettings(full);
    assert.equal(notes.length, 3);
    assert.match(
      notes.join('\n'),
      /repository was not cloned[\s\S]*custom_script_path was not run[\s\S]*not to log_path/,
    );
  });
});

describe('warm Pod and image pre-pull manifests', () => {
  const profile = testWorkload().profile;
  const flavor = testWorkload().flavor;
  const slot = { instanceId: instance.id, flavor: flavor.name, profileId: profile.id };

  it('a warm Pod is a valid notebook Pod marked as its slot, fitting a plain evs instance and no other shape', () => {
    const workload = warmWorkload(slot, profile, flavor);
    const pod = valid(Pod, warmPodManifest(slot, workload, names, 'run1', settings));
    assert.equal(pod.metadata?.labels?.[WARM_LABEL], 'true');
    assert.deepEqual(warmSlotOf(pod), { flavor: flavor.name, profileId: profile.id });
    assert.ok(fits(pod, testWorkload(), names, settings), 'evs of 5 GiB at the default mount path');
    const other = (spec: Partial<typeof instance.spec>, extra = {}) =>
      testWorkload(testInstance({ spec: { ...instance.spec, ...spec }, ...extra }));
    assert.ok(!fits(pod, other({ storage: { type: 'evs', location: { volume_size: 10 } } }), names, settings));
    assert.ok(
      !fits(
        pod,
        other({ storage: { type: 'evs', location: { volume_size: 5, mount_path: '/data' } } }),
        names,
        settings,
      ),
    );
    assert.ok(!fits(pod, other({ storage: { type: 'obs', location: { path: '/bucket/dir/' } } }), names, settings));
    const pool = { id: 'pool-a', name: 'a', type: 'USER_DEFINED', owner: null };
    assert.ok(!fits(pod, other({}, { pool }), names, settings), 'a dedicated pool selects other nodes');

    // What a create asks before it takes a slot, from the request alone: the same answers.
    const shapeOf = (w: ReturnType<typeof other>) => ({ pool: w.instance.pool, spec: w.instance.spec });
    const serves = (w: ReturnType<typeof other>) => servesShape(shapeOf(w), profile, flavor, settings);
    assert.ok(serves(testWorkload()));
    assert.ok(
      serves(other({ storage: { type: 'evs', location: { volume_size: 5, mount_path: '/home/ma-user/work' } } })),
    );
    assert.ok(!serves(other({ storage: { type: 'evs', location: { volume_size: 10 } } })));
    assert.ok(!serves(other({ storage: { type: 'evs', location: { volume_size: 5, mount_path: '/data' } } })));
    assert.ok(!serves(other({ storage: { type: 'obs', location: { path: '/bucket/dir/' } } })));
    assert.ok(!serves(other({}, { pool })));
  });

  it('the take-over patch tests the Pod and its warm label before it relabels', () => {
    const pod = { metadata: { uid: 'u-1', labels: { [WARM_LABEL]: 'true' } } };
    assert.deepEqual(takeOverPatch(pod, instance.projectId), [
      { op: 'test', path: '/metadata/uid', value: 'u-1' },
      { op: 'test', path: '/metadata/labels/demanager.io~1warm', value: 'true' },
      { op: 'remove', path: '/metadata/labels/demanager.io~1warm' },
      { op: 'add', path: '/metadata/labels/demanager.io~1project', value: instance.projectId },
    ]);
  });

  it('a pre-pull DaemonSet per warm image and node selection, valid, and none without a warm flavor', () => {
    const warmFlavors = BUILTIN_CATALOG.flavors.map((f) => (f.name === flavor.name ? { ...f, warm: 2 } : f));
    const pool = { id: 'pool-a', name: 'a', type: 'USER_DEFINED', owner_project_id: null, capacity: 1 };
    const sets = prePullSets(new Catalog({ ...BUILTIN_CATALOG, flavors: warmFlavors, pools: [pool] }), settings);
    const cpuImages = BUILTIN_CATALOG.profiles.filter((p) => p.flavor_types.includes('CPU')).length;
    assert.equal(sets.length, cpuImages * 2);
    for (const set of sets) valid(DaemonSet, set);
    const onPool = sets.filter((s) => s.spec?.template.spec?.nodeSelector);
    assert.equal(onPool.length, cpuImages);
    for (const set of onPool)
      assert.deepEqual(set.spec?.template.spec?.tolerations, [
        { key: 'demanager.io/pool', operator: 'Equal', value: 'pool-a', effect: 'NoSchedule' },
      ]);
    assert.equal(new Set(sets.map((s) => s.metadata?.name)).size, sets.length, 'one name per image and pool');
    assert.deepEqual(
      sets[0]!.spec?.template.spec?.imagePullSecrets,
      [{ name: 'swr-pull' }],
      'pulled with the configured pull Secrets',
    );
    assert.deepEqual(
      sets[0]!.spec?.template.spec?.containers.map((c) => c.image),
      ['registry.k8s.io/pause:3.10'],
    );
    // A cluster that cannot reach registry.k8s.io idles them in its mirror's copy: sets of other names,
    // so the sync replaces the old ones rather than leaving them to fail their pulls.
    const mirrored = prePullSets(new Catalog({ ...BUILTIN_CATALOG, flavors: warmFlavors, pools: [pool] }), {
      ...settings,
      pauseImage: 'mirror.example.com/k8s/pause:3.10',
    });
    assert.ok(
      mirrored.every((s) => s.spec?.template.spec?.containers[0]?.image === 'mirror.example.com/k8s/pause:3.10'),
    );
    assert.ok(mirrored.every((s) => !sets.some((old) => old.metadata?.name === s.metadata?.name)));
    assert.deepEqual(prePullSets(new Catalog(BUILTIN_CATALOG), settings), []);
  });
});
