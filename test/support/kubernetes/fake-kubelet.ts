/**
 * @module test/support/kubernetes/fake-kubelet
 * The parts of a cluster that act on their own — scheduler, volume controllers and one node's
 * kubelet — driven from the store in rounds: each round every object takes at most its next step
 * (see {@link nextPodStep}), so Pods pass through every status a real one shows. Failures are
 * injected per Pod; the kubelet can be stopped and started like a restarted node agent.
 */
import { ApiError } from './api-status.js';
import { deleteObject } from './deletion.js';
import type { EventRecorder } from './event-recorder.js';
import type { ObjectStore } from './object-store.js';
import { nextPodStep, type InjectedFailure, type Step } from './pod-lifecycle.js';
import { nextClaimStep } from './volume-controllers.js';

export type { InjectedFailure } from './pod-lifecycle.js';

export interface FakeKubeletOptions {
  /** Real milliseconds between two rounds of steps. Default 2, so a Pod runs in ~10 ms. */
  stepDelayMs?: number;
  /** Take no step on its own: only `step()` and `settle()` move the cluster. Default false. */
  manual?: boolean;
  /** The one node Pods land on. Default 'node-1'. */
  nodeName?: string;
  /** Nodes the scheduler's messages count ("0/3 nodes are available"). Default 3. */
  nodeCount?: number;
  /** Restarts after which a crash-looping container stays in CrashLoopBackOff. Default 3. */
  maxRestarts?: number;
}

export interface InjectionOptions {
  /** For 'unschedulable': the scheduler's message instead of one built from the Pod's requests. */
  message?: string;
}

interface Injection {
  matches: (pod: any) => boolean;
  kind: InjectedFailure;
  message?: string;
}

export class FakeKubelet {
  readonly #store: ObjectStore;
  readonly #events: EventRecorder;
  readonly #options: Required<FakeKubeletOptions>;
  readonly #injections = new Set<Injection>();
  readonly #unsubscribe: () => void;
  #idle: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = true;
  #closed = false;
  #podIPs = 0;

  constructor(store: ObjectStore, events: EventRecorder, options: FakeKubeletOptions = {}) {
    this.#store = store;
    this.#events = events;
    this.#options = { stepDelayMs: 2, manual: false, nodeName: 'node-1', nodeCount: 3, maxRestarts: 3, ...options };
    this.#unsubscribe = store.subscribe((e) => {
      if (e.resource !== 'events') this.#wake();
    });
  }

  /** False between `stop()` and `start()`. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Makes matching Pods (by name in any namespace, or by predicate) fail the given way from their
   * next step on, including Pods created later with that name; answers a function that lifts it.
   */
  inject(
    target: string | ((pod: any) => boolean),
    failure: InjectedFailure,
    options: InjectionOptions = {},
  ): () => void {
    const injection: Injection = {
      matches: typeof target === 'string' ? (pod) => pod.metadata.name === target : target,
      kind: failure,
      ...(options.message ? { message: options.message } : {}),
    };
    this.#injections.add(injection);
    this.#wake();
    return () => {
      this.#injections.delete(injection);
      this.#wake();
    };
  }

  clearInjections(): void {
    this.#injections.clear();
    this.#wake();
  }

  /** Deletes a Pod the way `kubectl delete` or a node drain does (graceful), not as an API client of the test. */
  deleteFromOutside(podName: string, namespace?: string): any {
    const pods = this.#store.list('pods', namespace).filter((p) => p.metadata.name === podName);
    if (pods.length !== 1)
      throw new Error(`${pods.length} pods named ${podName}${namespace ? ` in ${namespace}` : ''}`);
    return deleteObject(this.#store, 'pods', pods[0].metadata.namespace, podName);
  }

  /** Freezes the kubelet (Pods neither start nor finish stopping); the control plane goes on. */
  stop(): void {
    this.#running = false;
  }

  /** Resumes the kubelet, which catches up with whatever changed in the store meanwhile. */
  start(): void {
    this.#running = true;
    this.#wake();
  }

  /** Runs one round now; answers how many steps it took. */
  step(): number {
    let taken = 0;
    const run = (step: Step | undefined) => {
      if (!step || (step.actor === 'kubelet' && !this.#running)) return;
      taken++;
      try {
        step.run();
      } catch (err) {
        // The object went (or moved on) under the step: the next round decides afresh.
        if (!(err instanceof ApiError)) throw err;
      }
    };
    for (const pod of this.#store.list('pods')) run(nextPodStep(pod, this.#context(pod)));
    for (const claim of this.#store.list('persistentvolumeclaims')) run(nextClaimStep(claim, this.#store));
    return taken;
  }

  /** Resolves once nothing more would change without a new API call, injection or `start()`. */
  async settle(): Promise<void> {
    if (this.#options.manual) {
      for (let rounds = 0; this.step() > 0; rounds++) {
        if (rounds > 10_000) throw new Error('the fake cluster does not settle');
      }
      return;
    }
    await new Promise<void>((resolve) => {
      this.#idle.push(resolve);
      this.#wake();
    });
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearTimeout(this.#timer);
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #context(pod: any) {
    const injection = [...this.#injections].find((i) => i.matches(pod));
    return {
      store: this.#store,
      events: this.#events,
      node: { name: this.#options.nodeName, ip: '192.168.49.2' },
      nodeCount: this.#options.nodeCount,
      maxRestarts: this.#options.maxRestarts,
      nextPodIP: () => `10.244.${Math.floor(this.#podIPs / 250)}.${(this.#podIPs++ % 250) + 2}`,
      ...(injection
        ? { failure: { kind: injection.kind, ...(injection.message ? { message: injection.message } : {}) } }
        : {}),
    };
  }

  /** Schedules a round (changes come from store listeners, so never step inside one). */
  #wake(): void {
    if (this.#closed || this.#timer || this.#options.manual) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.step() > 0) return this.#wake();
      for (const resolve of this.#idle.splice(0)) resolve();
    }, this.#options.stepDelayMs);
    this.#timer.unref();
  }
}
