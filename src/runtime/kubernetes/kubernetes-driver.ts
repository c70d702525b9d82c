/**
 * @module runtime/kubernetes/kubernetes-driver
 * Runs each instance as a Pod on a Kubernetes cluster, with a Service the proxy reaches it by, a
 * Secret holding its private token and, for `evs` storage, a claim that outlives stops. Every
 * object is named after the instance id and labelled with it and with the installation (the
 * database), so a restarted service (or a new controller replica) finds its workloads again and
 * never takes another installation's for its own; what runs is read from one shared watch of the
 * namespace, never by polling each Pod. Warm Pods (core/warm) are kept the same way, marked as
 * slots until a start takes one over (see warm-pod), with their images pre-pulled (image-prepull).
 */
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Flavor, Profile } from '../../core/model/catalog.js';
import type { Instance, RuntimeState } from '../../core/model/instance.js';
import {
  WorkloadError,
  type ExitListener,
  type Health,
  type RuntimeDriver,
  type WarmRuntime,
  type WarmSlot,
  type Workload,
  type WorkloadLog,
} from '../../core/ports/runtime.js';
import { endpointOf, secretManifest, serviceManifest } from './access-manifests.js';
import { clusterError, created, deleted, statusOf } from './api-errors.js';
import { StartsInFlight } from '../starts-in-flight.js';
import { ClusterWatch, type ClusterChange } from './cluster-watch.js';
import { concernsPod, occurrenceOf, progressMessage } from './event-progress.js';
import type { KubernetesDriverOptions } from './kubernetes-driver-options.js';
import { prePullSets, syncPrePull } from './image-prepull.js';
import { NOTEBOOK_CONTAINER, podManifest, type ManifestWorkload } from './pod-manifest.js';
import { redact } from '../redact.js';
import { podHealth, startState } from './pod-status.js';
import { instanceOf, managedSelector, resourceNames, RUN_LABEL, type ResourceNames } from './resource-names.js';
import { fits, isWarmPod, servesShape, takeOverPatch, warmPodManifest, warmSlotOf, warmWorkload } from './warm-pod.js';
import { claimManifest, workVolume } from './work-volume.js';

export type { KubernetesDriverOptions } from './kubernetes-driver-options.js';

const TERMINAL = new Set(['Succeeded', 'Failed']);

/** A Pod that outlasts this after its delete (a lost node) no longer holds up a stop. */
const STOP_WAIT_MS = 90_000;

/** How often a claim being deleted is looked for until it has gone (real time: it is plumbing). */
const CLAIM_GONE_POLL_MS = 100;

interface PodRef {
  name: string;
  uid: string;
}

export class KubernetesDriver implements RuntimeDriver {
  readonly name = 'kubernetes';
  readonly #options: KubernetesDriverOptions;
  readonly #api: CoreV1Api;
  readonly #apps: AppsV1Api;
  readonly #watch: ClusterWatch;
  /** The warm Pods (core/warm): read from the cluster by label, so a restarted service finds them all. */
  readonly warm: WarmRuntime;
  /** The pre-pull sets once brought in step with the catalog (null until then, or after a failure). */
  #prePulled: Promise<void> | null = null;
  /** A stop waits for an aborted start to finish creating before it deletes. */
  readonly #starting = new StartsInFlight();
  /** Pods this driver deletes: their end is no exit to report. */
  readonly #deleting = new Set<string>();
  /** Pods whose exit was reported, so a failure and the deletion after it count once. */
  readonly #reported = new Set<string>();
  #onExit: ExitListener | undefined;
  #closed = false;

  constructor(options: KubernetesDriverOptions) {
    this.#options = options;
    this.#api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.warm = {
      slots: () => this.#slots(),
      readySlots: () => this.#readySlots(),
      warmUp: (slot, profile, flavor, signal) =>
        this.#starting.track(slot.instanceId, this.#warmUp(slot, profile, flavor, signal)),
      coolDown: (instanceId) => this.#coolDown(instanceId),
      serves: (shape, profile, flavor) => servesShape(shape, profile, flavor, this.#options),
    };
    this.#watch = new ClusterWatch(
      options.kubeConfig,
      options.namespace,
      options.installationId,
      options.log,
      options.watchRetryMs ?? 1000,
    );
    this.#watch.subscribe((change) => this.#noticed(change));
  }

  get #namespace(): string {
    return this.#options.namespace;
  }

  async prepare(workload: Workload, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const { instance } = workload;
    const names = resourceNames(instance.id);
    // A storage this cluster cannot provide fails now rather than at every start.
    workVolume(instance.spec.storage, names, this.#options.obsVolume);
    await this.#discardUnfitting(workload, names);
    if (instance.spec.storage.type !== 'evs') return;
    workload.progress?.(`creating the instance volume (${instance.spec.storage.location.volume_size ?? 5} GiB)`);
    const body = claimManifest(instance, names, this.#options, this.#options.storageClass);
    await created('the volume claim', () =>
      this.#api.createNamespacedPersistentVolumeClaim({ namespace: this.#namespace, body }),
    );
  }

  start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    return this.#starting.track(workload.instance.id, this.#start(workload, signal));
  }

  async stop(workload: Workload): Promise<void> {
    await this.#starting.settled(workload.instance.id);
    await this.#watch.ready();
    const names = resourceNames(workload.instance.id);
    await this.#deletePod(names.pod, true);
    await deleted('the token Secret', () =>
      this.#api.deleteNamespacedSecret({ name: names.secret, namespace: this.#namespace }),
    );
  }

  async poll(workload: Workload): Promise<Health> {
    const recorded = podRefOf(workload);
    if (!recorded) return { state: 'exited', code: null, reason: 'no notebook Pod is recorded for this instance' };
    await this.#watch.ready();
    const pod = this.#watch.pod(recorded.name);
    if (pod && pod.metadata?.uid !== recorded.uid)
      return { state: 'exited', code: null, reason: 'the notebook Pod was replaced outside demanager' };
    return podHealth(pod);
  }

  /** Deletes the Pod, Service, Secret and claim; obs storage is the operator's and stays. */
  async remove(workload: Workload): Promise<void> {
    await this.#starting.settled(workload.instance.id);
    await this.#watch.ready();
    await this.#removeAll(resourceNames(workload.instance.id));
  }

  /**
   * The end of the notebook container's log, from the Pod log API (`tailLines`), its run's token
   * masked. Null when there is none to read: no Pod (stopped: the log went with it) or a container
   * that has not started yet (the API answers 400 then).
   */
  async logs(workload: Workload, count: number): Promise<WorkloadLog | null> {
    await this.#watch.ready();
    const { id } = workload.instance;
    const name = resourceNames(id).pod;
    const pod = this.#watch.pod(name);
    if (!pod) return null;
    let text: string;
    try {
      // One line more than asked tells whether earlier lines exist.
      text = await this.#api.readNamespacedPodLog({
        name,
        namespace: this.#namespace,
        container: NOTEBOOK_CONTAINER,
        tailLines: count + 1,
      });
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || status === 400) return null;
      throw clusterError('reading the notebook log', err);
    }
    const runId = pod.metadata?.labels?.[RUN_LABEL];
    const lines = redact(text, [runId && this.#options.secretFor(id, runId)]).split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines: lines.slice(-count), truncated: lines.length > count };
  }

  watchExits(listener: ExitListener): void {
    this.#onExit = listener;
    // Exits are learnt from the watch, which must run even while nothing asks the driver anything.
    void this.#keepWatching();
  }

  /** Reports each Pod that stops serving without this driver deleting it, once. */
  #noticed(change: ClusterChange): void {
    if (change.kind !== 'pod') return;
    const pod = change.object;
    const uid = pod.metadata?.uid ?? '';
    // A warm Pod is no instance's yet: one that fails is removed when the pool next takes stock.
    const instanceId = isWarmPod(pod) ? undefined : instanceOf(pod.metadata, this.#options.installationId);
    const gone = change.verb === 'delete';
    const health = podHealth(gone ? undefined : pod);
    if (
      this.#onExit &&
      instanceId &&
      health.state === 'exited' &&
      !this.#deleting.has(uid) &&
      !this.#reported.has(uid)
    ) {
      this.#reported.add(uid);
      this.#onExit(instanceId, { code: health.code, reason: health.reason });
      // A crash-looping Pod keeps its node's resources while it backs off: the instance is down, so is
      // its Pod. A start in flight sees the failure itself, and the reconciler stops what it began.
      const name = pod.metadata?.name;
      if (!gone && name && !TERMINAL.has(pod.status?.phase ?? '') && !this.#starting.has(instanceId)) {
        this.#deletePod(name, false).catch((err: unknown) =>
          this.#options.log.warn({ err, pod: name }, 'deleting a failed notebook Pod failed'),
        );
      }
    }
    if (gone) {
      this.#reported.delete(uid);
      this.#deleting.delete(uid);
    }
  }

  async collectOrphans(known: (instanceIds: readonly string[]) => Promise<ReadonlySet<string>>): Promise<number> {
    await this.#watch.ready();
    const listed = { namespace: this.#namespace, labelSelector: managedSelector(this.#options.installationId) };
    const [services, secrets, claims] = await Promise.all([
      this.#api.listNamespacedService(listed),
      this.#api.listNamespacedSecret(listed),
      this.#api.listNamespacedPersistentVolumeClaim(listed),
    ]).catch((err: unknown) => {
      throw clusterError('listing the managed objects', err);
    });
    const ids = new Set<string>();
    for (const object of [...this.#watch.pods(), ...services.items, ...secrets.items, ...claims.items]) {
      // Already going (a claim waits for its Pod to end): collected before, not an orphan to count again.
      if (object.metadata?.deletionTimestamp) continue;
      const id = instanceOf(object.metadata, this.#options.installationId);
      if (id) ids.add(id);
    }
    // Warm Pods are the pool's, which keeps or stops each on taking stock; a warm-up in flight has
    // made its Secret and claim before its Pod. What a warm-up left without a Pod is collected.
    for (const pod of this.#watch.pods())
      if (isWarmPod(pod) && !pod.metadata?.deletionTimestamp)
        ids.delete(instanceOf(pod.metadata, this.#options.installationId)!);
    for (const id of ids) if (this.#starting.has(id)) ids.delete(id);
    if (ids.size === 0) return 0;
    const present = await known([...ids]);
    const orphans = [...ids].filter((id) => !present.has(id));
    for (const id of orphans) {
      this.#options.log.warn({ instance: id }, 'removing the Kubernetes objects of an instance that no longer exists');
      await this.#removeAll(resourceNames(id));
    }
    return orphans.length;
  }

  /** Notebooks keep running (a restarted service re-adopts them); the watch stops. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#starting.all();
    await this.#watch.close();
  }

  async #start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    const { instance } = workload;
    await this.#watch.ready();
    signal.throwIfAborted();
    const names = resourceNames(instance.id);
    const pod = this.#watch.pod(names.pod);
    // A warm Pod made for this id is taken over; a start whose result was never recorded left a
    // Pod behind: it is adopted rather than another started.
    const adopted =
      pod && isWarmPod(pod)
        ? await this.#takeOver(workload, names, pod, signal)
        : pod && adoptable(pod)
          ? { uid: pod.metadata!.uid!, runId: pod.metadata!.labels![RUN_LABEL]! }
          : null;
    if (pod && !adopted) await this.#deletePod(names.pod, true);
    let ref: { uid: string; runId: string };
    if (adopted) {
      ref = adopted;
    } else {
      signal.throwIfAborted();
      const runId = randomBytes(8).toString('hex');
      for (const note of unappliedSettings(instance)) workload.progress?.(note);
      workload.progress?.('creating the notebook Pod');
      const body = podManifest(workload, names, runId, this.#options);
      await this.#replaceSecret(workload, names, runId);
      await created('the Service', () =>
        this.#api.createNamespacedService({
          namespace: this.#namespace,
          body: serviceManifest(instance, names, this.#options),
        }),
      );
      ref = { uid: await this.#createPod(names.pod, body, signal), runId };
    }
    await this.#awaitReady(workload, { name: names.pod, uid: ref.uid }, signal);
    this.#options.log.info({ instance: instance.id, pod: names.pod }, 'notebook Pod ready');
    return {
      endpoint: endpointOf(names, this.#options),
      data: { pod: names.pod, uid: ref.uid, runId: ref.runId, namespace: this.#namespace },
    };
  }

  /**
   * Creates the run's Pod. A Pod of the same name the watch had not shown yet (409) may have read an
   * older token from the Secret just replaced: it is deleted, once the watch shows it, and the create
   * repeated.
   */
  async #createPod(name: string, body: V1Pod, signal: AbortSignal): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        const pod = await this.#api.createNamespacedPod({ namespace: this.#namespace, body });
        return pod.metadata!.uid!;
      } catch (err) {
        if (statusOf(err) !== 409 || attempt === 3) throw clusterError('creating the Pod', err);
      }
      while (!this.#watch.pod(name)) await this.#watch.nextChange(signal);
      await this.#deletePod(name, true);
    }
  }

  /** The Secret holds the token of one run: an older run's is deleted first (no update verb needed). */
  async #replaceSecret(workload: ManifestWorkload, names: ResourceNames, runId: string): Promise<void> {
    const { instance } = workload;
    const body = secretManifest(instance, names, this.#options, runId, this.#options.secretFor(instance.id, runId));
    for (let attempt = 0; attempt < 2; attempt++) {
      if (
        await created('the token Secret', () => this.#api.createNamespacedSecret({ namespace: this.#namespace, body }))
      )
        return;
      await deleted('the token Secret', () =>
        this.#api.deleteNamespacedSecret({ name: names.secret, namespace: this.#namespace }),
      );
    }
    throw new WorkloadError('The token Secret of the notebook could not be replaced.', 'ModelArts.6361', {
      phase: 'start',
    });
  }

  /** Follows the Pod through the watch until it is ready or fails, telling the owner how it goes. */
  async #awaitReady(workload: Pick<Workload, 'progress'>, pod: PodRef, signal: AbortSignal): Promise<void> {
    const told = new Set<string>();
    let lastState = '';
    let seen = false;
    let unschedulableSince: number | null = null;
    const say = (message: string | null) => {
      if (message) workload.progress?.(message);
    };
    for (;;) {
      signal.throwIfAborted();
      const step = new AbortController();
      const onAbort = () => step.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      // Listen before reading, so a change between the read and the wait is not missed.
      const changed = this.#watch.nextChange(step.signal);
      try {
        for (const event of this.#watch.events()) {
          if (!concernsPod(event, pod) || told.has(occurrenceOf(event))) continue;
          told.add(occurrenceOf(event));
          say(progressMessage(event));
        }
        const current = this.#watch.pod(pod.name);
        const mine = current?.metadata?.uid === pod.uid ? current : undefined;
        if (!mine && seen)
          throw new WorkloadError(
            'The notebook Pod was deleted outside demanager while it started.',
            'ModelArts.6361',
            { phase: 'start', reason: 'Deleted' },
          );
        seen ||= Boolean(mine);
        const state = mine
          ? startState(mine)
          : ({ kind: 'starting', message: 'waiting for the notebook Pod to appear' } as const);
        if (state.kind === 'ready') return;
        if (state.kind === 'failed') throw state.error;
        // Events interleave with these: a state is told once, however often the Pod changes within it.
        if (state.message !== lastState) say((lastState = state.message));
        if (state.kind === 'unschedulable') {
          unschedulableSince ??= this.#options.clock.now();
          const left = this.#options.unschedulableMs - (this.#options.clock.now() - unschedulableSince);
          if (left <= 0)
            throw new WorkloadError(state.message, 'ModelArts.6360', { phase: 'start', reason: 'Unschedulable' });
          await Promise.race([changed, this.#options.clock.sleep(left, step.signal)]);
        } else {
          unschedulableSince = null;
          await changed;
        }
      } finally {
        step.abort(new Error('step finished'));
        signal.removeEventListener('abort', onAbort);
        await changed.catch(() => undefined);
      }
    }
  }

  /**
   * Deletes the instance's Pod; with `wait`, resolves only when the watch no longer shows it. The
   * Pod stays marked as this driver's deletion until the watch sees it go.
   */
  async #deletePod(name: string, wait: boolean): Promise<void> {
    const uid = this.#watch.pod(name)?.metadata?.uid;
    if (uid) this.#deleting.add(uid);
    await deleted('the Pod', () => this.#api.deleteNamespacedPod({ name, namespace: this.#namespace }));
    if (wait) await this.#gone(name);
  }

  async #gone(name: string): Promise<void> {
    const limit = new AbortController();
    const deadline = this.#options.clock.sleep(STOP_WAIT_MS, limit.signal).then(
      () => limit.abort(new Error('gave up waiting')),
      () => undefined,
    );
    try {
      while (this.#watch.pod(name)) await this.#watch.nextChange(limit.signal);
    } catch {
      this.#options.log.warn({ pod: name }, 'the notebook Pod is still terminating; going on without it');
    } finally {
      limit.abort(new Error('done'));
      await deadline;
    }
  }

  /** Deletes everything at once: a claim still used by a terminating Pod goes when the Pod has gone (pvc-protection). */
  async #removeAll(names: ResourceNames): Promise<void> {
    const namespace = this.#namespace;
    await this.#deletePod(names.pod, false);
    await deleted('the Service', () => this.#api.deleteNamespacedService({ name: names.service, namespace }));
    await deleted('the token Secret', () => this.#api.deleteNamespacedSecret({ name: names.secret, namespace }));
    await deleted('the volume claim', () =>
      this.#api.deleteNamespacedPersistentVolumeClaim({ name: names.claim, namespace }),
    );
  }

  /**
   * The warm Pods of this installation, from the watch. One that failed, or whose shape is no
   * longer what its flavor and profile would be given now (the catalog or the cluster settings
   * changed), is removed here, unless its warm-up is still in flight (which fails by itself).
   * The first call (the controller taking stock) also brings the pre-pull sets in step.
   */
  async #slots(): Promise<WarmSlot[]> {
    await this.#watch.ready();
    await this.#prePull();
    const { catalog, log } = this.#options;
    const slots: WarmSlot[] = [];
    for (const { pod, slot, instanceId } of this.#warmPods()) {
      const state = startState(pod);
      if (!this.#starting.has(instanceId)) {
        const profile = catalog?.profile(slot.profileId);
        const flavor = catalog?.flavor(slot.flavor);
        const workload = profile && flavor ? warmWorkload({ ...slot, instanceId }, profile, flavor) : null;
        const stale = workload && !fits(pod, workload, resourceNames(instanceId), this.#options);
        if (state.kind === 'failed' || stale) {
          log.warn({ instance: instanceId, stale }, 'removing a warm notebook Pod that cannot be handed out');
          await this.#coolDown(instanceId);
          continue;
        }
      }
      slots.push({ instanceId, ...slot, ready: state.kind === 'ready' });
    }
    return slots;
  }

  /** The warm Pods of this installation the watch sees, less those being deleted, with their slots. */
  *#warmPods() {
    for (const pod of this.#watch.pods()) {
      const slot = warmSlotOf(pod);
      const instanceId = instanceOf(pod.metadata, this.#options.installationId);
      if (slot && instanceId && !pod.metadata?.deletionTimestamp) yield { pod, slot, instanceId };
    }
  }

  /** The ready warm Pods, from the watch, as any replica sees them; nothing is removed here. */
  async #readySlots(): Promise<WarmSlot[]> {
    await this.#watch.ready();
    return [...this.#warmPods()]
      .filter(({ pod }) => startState(pod).kind === 'ready')
      .map(({ slot, instanceId }) => ({ instanceId, ...slot, ready: true }));
  }

  /** Makes the slot's claim, Secret, Service and warm Pod, and waits until the Pod is ready. */
  async #warmUp(slot: Omit<WarmSlot, 'ready'>, profile: Profile, flavor: Flavor, signal: AbortSignal): Promise<void> {
    await this.#watch.ready();
    signal.throwIfAborted();
    if (!flavor.storage_list.includes('evs'))
      throw new WorkloadError(
        `Flavor ${flavor.name} offers no evs storage: the kubernetes runtime keeps warm Pods only with an evs volume.`,
        'ModelArts.6361',
        { phase: 'warm' },
      );
    const workload = warmWorkload(slot, profile, flavor);
    const names = resourceNames(slot.instanceId);
    const namespace = this.#namespace;
    const runId = randomBytes(8).toString('hex');
    const claim = claimManifest(workload.instance, names, this.#options, this.#options.storageClass);
    await created('the volume claim', () =>
      this.#api.createNamespacedPersistentVolumeClaim({ namespace, body: claim }),
    );
    await this.#replaceSecret(workload, names, runId);
    await created('the Service', () =>
      this.#api.createNamespacedService({
        namespace,
        body: serviceManifest(workload.instance, names, this.#options),
      }),
    );
    signal.throwIfAborted();
    const body = warmPodManifest(slot, workload, names, runId, this.#options);
    const uid = await this.#createPod(names.pod, body, signal);
    await this.#awaitReady({}, { name: names.pod, uid }, signal);
    this.#options.log.info({ instance: slot.instanceId, pod: names.pod }, 'warm notebook Pod ready');
  }

  /** Removes a slot's Pod and what was made with it; a Pod a start took over is the instance's and stays. */
  async #coolDown(instanceId: string): Promise<void> {
    await this.#watch.ready();
    const names = resourceNames(instanceId);
    const pod = this.#watch.pod(names.pod);
    if (pod && !isWarmPod(pod)) return;
    await this.#removeAll(names);
  }

  /**
   * Makes the warm Pod the instance's when it is the Pod the instance would have been given (see
   * warm-pod); null otherwise, or when the Pod changed meanwhile (the caller then deletes it).
   */
  async #takeOver(
    workload: Workload,
    names: ResourceNames,
    pod: V1Pod,
    signal: AbortSignal,
  ): Promise<{ uid: string; runId: string } | null> {
    const { instance } = workload;
    if (!adoptable(pod) || !fits(pod, workload, names, this.#options)) return null;
    let taken: V1Pod;
    try {
      taken = await this.#api.patchNamespacedPod({
        name: names.pod,
        namespace: this.#namespace,
        body: takeOverPatch(pod, instance.projectId),
      });
    } catch (err) {
      const status = statusOf(err);
      // Gone (404), or no longer the warm Pod seen (422: a test of the patch failed).
      if (status === 404 || status === 422) return null;
      throw clusterError('taking over the warm Pod', err);
    }
    // Whatever reads the watch next (the pool's slots, a poll) sees the Pod as the instance's.
    const stillWarm = () => {
      const seen = this.#watch.pod(names.pod);
      return isWarmPod(seen) && seen?.metadata?.uid === pod.metadata?.uid;
    };
    while (stillWarm()) await this.#watch.nextChange(signal);
    workload.progress?.('taking over a notebook Pod started ahead');
    this.#options.log.info({ instance: instance.id, pod: names.pod }, 'warm notebook Pod taken over');
    return { uid: taken.metadata!.uid!, runId: taken.metadata!.labels![RUN_LABEL]! };
  }

  /**
   * Before the instance's claim is made: a warm Pod made for its id that it does not fit (another
   * storage, size or pool) goes with its claim, which must be gone before the right one is made.
   */
  async #discardUnfitting(workload: Workload, names: ResourceNames): Promise<void> {
    await this.#watch.ready();
    const pod = this.#watch.pod(names.pod);
    if (!pod || !isWarmPod(pod) || fits(pod, workload, names, this.#options)) return;
    workload.progress?.('the notebook Pod started ahead does not fit this instance; starting its own');
    await this.#deletePod(names.pod, true);
    await this.#removeAll(names);
    const listed = { namespace: this.#namespace, fieldSelector: `metadata.name=${names.claim}` };
    for (let waited = 0; waited < STOP_WAIT_MS; waited += CLAIM_GONE_POLL_MS) {
      const claims = await this.#api.listNamespacedPersistentVolumeClaim(listed).catch((err: unknown) => {
        throw clusterError('listing the volume claims', err);
      });
      if (claims.items.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, CLAIM_GONE_POLL_MS));
    }
  }

  /** Brings the pre-pull sets in step with the catalog once per driver; a failure is tried again next time. */
  async #prePull(): Promise<void> {
    const { catalog, log } = this.#options;
    if (!catalog) return;
    this.#prePulled ??= syncPrePull(this.#apps, prePullSets(catalog, this.#options), this.#options, log).catch(
      (err: unknown) => {
        this.#prePulled = null;
        log.warn({ err }, 'could not bring the image pre-pull DaemonSets in step; trying again later');
      },
    );
    await this.#prePulled;
  }

  async #keepWatching(): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#watch.ready();
        return;
      } catch (err) {
        this.#options.log.warn({ err }, 'cannot watch the Kubernetes namespace yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, this.#options.watchRetryMs ?? 1000));
      }
    }
  }
}

/** A Pod of an earlier start of this instance that may still become (or already is) ready. */
function adoptable(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    Boolean(pod.metadata?.uid && pod.metadata.labels?.[RUN_LABEL]) &&
    startState(pod).kind !== 'failed'
  );
}

/** What the local runtime does with the spec that this one does not (yet): said, never silently dropped. */
export function unappliedSettings(instance: Instance): string[] {
  const notes: string[] = [];
  if (instance.spec.repository?.connection_info?.url)
    notes.push('note: the kubernetes runtime does not clone repositories yet; the repository was not cloned');
  if (instance.spec.custom_script_path)
    notes.push('note: the kubernetes runtime does not run custom scripts yet; custom_script_path was not run');
  if (instance.spec.log_path)
    notes.push("note: the notebook's output goes to its Pod's log (kubectl logs), not to log_path");
  return notes;
}

function podRefOf(workload: Workload): PodRef | null {
  const { pod, uid } = workload.instance.runtime?.data ?? {};
  return typeof pod === 'string' && typeof uid === 'string' ? { name: pod, uid } : null;
}
