/**
 * @module test/support/kubernetes/event-recorder
 * core/v1 Events as the cluster's components write them. The kubelet uses the old recorder:
 * `count`, `firstTimestamp`, `lastTimestamp`, `source`, and a repeat of the same event raises its
 * count. The scheduler uses the events.k8s.io API, which reads back through core/v1 with
 * `eventTime` set and `firstTimestamp`/`lastTimestamp` null — a reader must cope with both.
 */
import type { ObjectStore } from './object-store.js';
import { timestamp } from './object-store.js';

export interface KubeletEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{name}` for events about one container. */
  fieldPath?: string;
}

export interface SchedulerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  action: string;
}

/** eventTime is a MicroTime: six fractional digits. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class EventRecorder {
  readonly #store: ObjectStore;
  readonly #seen = new Map<string, string>();
  #sequence = 0;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  /** An event from the kubelet on `host`, about `pod`; a repeat raises the first one's count. */
  kubelet(pod: any, host: string, event: KubeletEvent): void {
    const now = timestamp(this.#store.now());
    const source = { component: 'kubelet', host };
    const key = JSON.stringify([pod.metadata.uid, event.fieldPath, event.type, event.reason, event.message]);
    const existing = this.#seen.get(key);
    if (existing) {
      const updated = this.#store.mutate('events', pod.metadata.namespace, existing, (e) => {
        e.count += 1;
        e.lastTimestamp = now;
      });
      if (updated) return;
    }
    const name = this.#name(pod);
    this.#seen.set(key, name);
    this.#store.create('events', {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name, namespace: pod.metadata.namespace },
      involvedObject: { ...this.#involved(pod), ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}) },
      reason: event.reason,
      message: event.message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: event.type,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: host,
    });
  }

  /** An event from the default scheduler, in the shape events.k8s.io/v1 leaves in core/v1. */
  scheduler(pod: any, event: SchedulerEvent): void {
    this.#store.create('events', {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: this.#name(pod), namespace: pod.metadata.namespace },
      involvedObject: this.#involved(pod),
      reason: event.reason,
      message: event.message,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: event.type,
      eventTime: microTime(this.#store.now()),
      action: event.action,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-control-plane',
    });
  }

  #involved(pod: any) {
    const { name, namespace, uid, resourceVersion } = pod.metadata;
    return { kind: 'Pod', namespace, name, uid, apiVersion: 'v1', resourceVersion };
  }

  /** `<object>.<hex nanoseconds>`, as the recorders name events. */
  #name(pod: any): string {
    const nanos = BigInt(this.#store.now()) * 1_000_000n + BigInt(this.#sequence++);
    return `${pod.metadata.name}.${nanos.toString(16)}`;
  }
}
