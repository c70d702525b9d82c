/**
 * @module core/ports/runtime
 * The seam between the lifecycle and whatever runs a notebook (simulated, local processes,
 * Kubernetes Pods). Shaped after JupyterHub's Spawner: every call is idempotent, so the
 * reconciler can repeat any step after a crash; timeouts and retries live in the reconciler.
 */
import type { Flavor, Profile } from '../model/catalog.js';
import type { Instance, RuntimeState } from '../model/instance.js';

/** What a driver sees of an instance: the stored record plus its resolved catalog entries. */
export interface Workload {
  instance: Instance;
  profile: Profile;
  flavor: Flavor;
  /** Tells the owner how a long step is going ("cloning …", "waiting for the server"). */
  progress?: (message: string) => void;
}

/** Something the owner should hear about a workload that still runs ("a kernel ran out of memory"). */
export interface WorkloadNotice {
  /** The history entry's kind (`out-of-memory`). */
  kind: string;
  message: string;
}

/** The end of a workload's own output (its server's stdout and stderr), oldest line first. */
export interface WorkloadLog {
  lines: string[];
  /** Whether earlier output exists that is not in `lines`. */
  truncated: boolean;
}

/** What a running workload uses now, against its flavor's limits; null where the runtime cannot tell. */
export interface WorkloadUsage {
  /** CPU cores in use, averaged over the last moments (since the previous reading, or a short sample). */
  cpuCores: number | null;
  /** The CPU limit in cores; null: none. */
  cpuLimitCores: number | null;
  memoryBytes: number | null;
  /** The memory limit in bytes; null: none. */
  memoryLimitBytes: number | null;
}

export type Health =
  | { state: 'running'; notices?: WorkloadNotice[] }
  | {
      state: 'exited';
      code: number | null;
      reason: string;
      /** The notebook server ended itself because its user asked it to (Jupyter's Quit): a stop, not a fault. */
      quit?: boolean;
    }
  | { state: 'unknown'; reason: string };

/** A failure the driver can explain to the instance's owner (goes to `failed_reasons`). */
export class WorkloadError extends Error {
  constructor(
    message: string,
    /** A ModelArts code (`ModelArts.6360`) or a driver-specific one. */
    readonly code: string,
    readonly detail: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'WorkloadError';
  }
}

/** How a driver that watches its workloads reports one that exited on its own. */
export type ExitListener = (instanceId: string, exit: { code: number | null; reason: string }) => void;

/** A server started ahead for one flavor and profile, and the instance id it will serve. */
export interface WarmSlot {
  instanceId: string;
  flavor: string;
  profileId: string;
  /** Whether it answers, so a start can be handed it; false while it boots. */
  ready: boolean;
}

/** What of an instance decides whether a server made ahead, before anyone asked, can become its own. */
export type WarmShape = Pick<Instance, 'pool'> & { spec: Pick<Instance['spec'], 'storage'> };

/**
 * Drivers that can keep notebook servers started ahead (core/warm): each serves an instance id
 * chosen before any create, so whatever depends on the id (its URL, its control group, its
 * directories) is set up ahead too, and a `start` of that id takes the server over in one step.
 * What they keep is recorded outside this process, so a restarted service finds every slot again.
 */
export interface WarmRuntime {
  /** The slots kept now, from the driver's own records; a slot whose server is gone is removed here. */
  slots(): Promise<WarmSlot[]>;
  /**
   * The ready slots, read and nothing else: what a replica that does not keep the servers may hand
   * out (core/warm claims one by writing the instance with its id, which is unique, so one create
   * gets it). Absent, only the replica that keeps the servers hands them out.
   */
  readySlots?(): Promise<WarmSlot[]>;
  /** Starts a server for `instanceId`; resolves once it answers (it is then a ready slot). */
  warmUp(slot: Omit<WarmSlot, 'ready'>, profile: Profile, flavor: Flavor, signal: AbortSignal): Promise<void>;
  /** Stops a slot's server and removes everything it made; a no-op for one already gone or handed over. */
  coolDown(instanceId: string): Promise<void>;
  /**
   * Whether a slot of `flavor` and `profile` can become an instance of `shape`, asked before a
   * create takes one, so that a create its server cannot serve leaves the slot to one it can.
   * Absent, every shape can (the local driver sets storage and environment at the hand-over).
   */
  serves?(shape: WarmShape, profile: Profile, flavor: Flavor): boolean;
}

export interface RuntimeDriver {
  readonly name: string;
  /** Present where the driver keeps warm servers (the local driver). */
  readonly warm?: WarmRuntime;
  /**
   * Allocates the instance's private resources (storage, volumes). Called before the first start;
   * idempotent, since a crash between preparing and recording it makes the reconciler call it again.
   */
  prepare(workload: Workload, signal: AbortSignal): Promise<void>;
  /** Starts the workload; resolves with the state to keep once it answers requests. */
  start(workload: Workload, signal: AbortSignal): Promise<RuntimeState>;
  /** Stops the workload and resolves only when it is gone; a no-op when nothing runs. */
  stop(workload: Workload): Promise<void>;
  /** Cheap liveness check of a started workload. */
  poll(workload: Workload): Promise<Health>;
  /** Frees everything `prepare` allocated. */
  remove(workload: Workload): Promise<void>;
  /**
   * For drivers that learn of exits themselves (a watch, an exit hook): they report each one to
   * `listener`, so the reconciler polls no workload for liveness, only those of flavors with an
   * idle stop, for their activity. Without it every RUNNING workload is polled.
   */
  watchExits?(listener: ExitListener): void;
  /**
   * For drivers whose workloads and resources can be listed apart from the store (Pods, claims and
   * Secrets by label): removes everything that belongs to no stored instance, and resolves with how
   * many instances' leftovers it removed. `known` answers which of the given ids the store holds;
   * the reconciler calls this on taking the lead and then now and again.
   */
  collectOrphans?(known: (instanceIds: readonly string[]) => Promise<ReadonlySet<string>>): Promise<number>;
  /**
   * For drivers that share out one host's GPUs themselves (the local driver): how many there are.
   * A GPU flavor's instance is then admitted only while enough of them are free. Absent or null:
   * GPUs are not counted here (a cluster schedules them, or the driver knows of none).
   */
  hostGpus?(): Promise<number | null>;
  /**
   * The last `tail` lines of the workload's output, with its own token masked; null where the
   * driver keeps none for it (never started, or its Pod is gone). Absent: the driver keeps no log.
   */
  logs?(workload: Workload, tail: number): Promise<WorkloadLog | null>;
  /**
   * What the workload uses now, where the driver can measure it (the local driver reads the
   * notebook's control group); null when it cannot (no control group, nothing running). Absent:
   * the driver never can.
   */
  usage?(workload: Workload): Promise<WorkloadUsage | null>;
  /** Last user activity (epoch ms), where the workload can tell. */
  activity?(workload: Workload): Promise<number | undefined>;
  close?(): Promise<void>;
}
