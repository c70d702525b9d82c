/**
 * @module server/metrics
 * The service's Prometheus metrics (prom-client), one registry per server: API latency per route,
 * how long starts and queue waits take, instances per status and queue depth per flavor (read
 * from the store at each scrape), scheduler lag, and the process's own figures. The domain knows
 * nothing of them: it reports through the hooks that services.ts wires to {@link Metrics}.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommittedChange } from '../core/changes/committed-changes.js';
import type { Instance } from '../core/model/instance.js';
import { QUEUED_STATUSES } from '../core/model/statuses.js';
import type { ClosedUsage } from '../core/model/usage.js';
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/shared/clock.js';
import { usageSoFar } from '../core/usage/usage-so-far.js';
import { HOUR_MS } from '../core/usage/usage-totals.js';

/** Starts and queue waits run from seconds to half an hour (JupyterHub's 2-minute cap hid slow spawns). */
const LONG_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800];
/**
 * The event-loop delay monitor samples with a timer: every 10 ms (its default) kept an idle server
 * busy at several ms of CPU a second. Every 100 ms still catches the blocks that matter. What it
 * reports is the time between two of its ticks: this much and any delay.
 */
export const EVENT_LOOP_MONITOR_MS = 100;
const API_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The usage counters: name, help, and which sum of {@link ClosedUsage} each reads. */
const USAGE_COUNTERS: [string, string, keyof ClosedUsage & `${string}Ms`][] = [
  ['demanager_usage_instance_hours_total', 'Hours instances held a slot', 'instanceMs'],
  ['demanager_usage_cpu_hours_total', 'CPU-hours: hours a slot was held times the flavor’s CPUs', 'cpuMs'],
  ['demanager_usage_gpu_hours_total', 'GPU-hours: hours a slot was held times the flavor’s GPUs', 'gpuMs'],
  ['demanager_usage_memory_gib_hours_total', 'Memory GiB-hours: hours a slot was held times its GiB', 'memoryGibMs'],
];

export class Metrics {
  readonly registry = new Registry();
  readonly #api: Histogram<'method' | 'route' | 'status'>;
  readonly #start: Histogram<'profile' | 'flavor' | 'kind'>;
  readonly #queueWait: Histogram<'flavor'>;
  readonly #schedulerLag: Histogram;

  constructor(store: Store, clock: Clock) {
    const registers = [this.registry];
    this.#api = new Histogram({
      name: 'demanager_http_request_duration_seconds',
      help: 'API request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: API_BUCKETS,
      registers,
    });
    this.#start = new Histogram({
      name: 'demanager_instance_start_duration_seconds',
      help: 'From the create or start request (or admission from a queue) to RUNNING',
      labelNames: ['profile', 'flavor', 'kind'],
      buckets: LONG_BUCKETS,
      registers,
    });
    this.#queueWait = new Histogram({
      name: 'demanager_queue_wait_seconds',
      help: "Time an instance waited in its flavor's queue before a slot was reserved for it",
      labelNames: ['flavor'],
      buckets: LONG_BUCKETS,
      registers,
    });
    this.#schedulerLag = new Histogram({
      name: 'demanager_scheduler_lag_seconds',
      help: 'How late the scheduler woke after the due time it slept for',
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    new Gauge({
      name: 'demanager_instances',
      help: 'Instances per status, over every project',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const [status, n] of await store.instances.countByStatus()) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'demanager_queue_depth',
      help: 'Instances waiting in each flavor queue',
      labelNames: ['flavor'],
      registers,
      async collect() {
        this.reset();
        for (const [flavor, n] of await store.instances.countInStatuses(QUEUED_STATUSES)) this.set({ flavor }, n);
      },
    });
    this.#usageCounters(store, clock);
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'demanager_',
      eventLoopMonitoringPrecision: EVENT_LOOP_MONITOR_MS,
    });
  }

  /**
   * Usage per project and flavor since records began (core/usage/usage-so-far), read from the store
   * at each scrape: the same on every replica, and growing only. Each counter reads its own snapshot,
   * each consistent in itself.
   */
  #usageCounters(store: Store, clock: Clock): void {
    for (const [name, help, sum] of USAGE_COUNTERS)
      new Counter({
        name,
        help: `${help}, per project and flavor`,
        labelNames: ['project', 'flavor'],
        registers: [this.registry],
        async collect() {
          const sums = usageSoFar(await store.usage.ledger(), clock.now());
          this.reset();
          for (const s of sums) this.inc({ project: s.projectId, flavor: s.flavor }, s[sum] / HOUR_MS);
        },
      });
  }

  apiRequest(method: string, route: string, status: number, seconds: number): void {
    this.#api.observe({ method, route, status: String(status) }, seconds);
  }

  /**
   * A change committed in this process (see core/changes/committed-changes): reaching RUNNING ends
   * the start that its intent began; an admission from a queue ends the wait that began when the
   * instance joined it.
   */
  noticeChange(change: CommittedChange, now: number): void {
    if (change.kind !== 'changed') return;
    const { instance, event } = change;
    if (instance.status === 'RUNNING' && event?.from !== 'RUNNING') this.#started(instance, now);
    if (event?.kind === 'admit' && instance.queuedAt !== null && instance.reservedAt !== null) {
      this.#queueWait.observe({ flavor: instance.flavor }, Math.max(0, instance.reservedAt - instance.queuedAt) / 1000);
    }
  }

  #started(instance: Instance, now: number): void {
    const kind = instance.intent.kind === 'create' ? 'create' : 'start';
    this.#start.observe(
      { profile: instance.profileId, flavor: instance.flavor, kind },
      Math.max(0, now - instance.intent.at) / 1000,
    );
  }

  schedulerLag(ms: number): void {
    this.#schedulerLag.observe(ms / 1000);
  }
}
