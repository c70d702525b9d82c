/**
 * @module core/model/catalog
 * Profiles (images), flavors (sizes), pools and workspaces an instance is made from. Loaded from
 * configuration once; lookups are by id or name and never touch the store.
 */
import type { StorageType } from './instance.js';

export type FlavorType = 'CPU' | 'GPU';

/**
 * What a profile runs on the local runtime: a Python environment of the host and its Jupyter.
 * Without one, the host's own Jupyter (the service's PATH) runs every profile.
 */
export interface LocalEnvironment {
  /** A virtualenv or conda prefix: its `bin/` comes first on PATH, its `python3` runs the kernels. */
  prefix?: string;
  /** The Jupyter launcher, a name on PATH or a path. Default `<prefix>/bin/jupyter`, else the service's. */
  jupyter?: string;
  /** Variables every process of the notebook gets. */
  env?: Record<string, string>;
}

/** Table 3 (+ the sample's provision annotations), plus how the local runtime starts it. */
export interface Profile {
  id: string;
  name: string;
  description: string;
  de_type: 'Notebook';
  /** Flavor types the image runs on; an instance's profile reports the one of its flavor. */
  flavor_types: FlavorType[];
  labels: Record<string, string> | null;
  provision: {
    type: 'Docker';
    annotations: Record<string, string> | null;
    spec: {
      engine: 'CCE';
      params: {
        namespace: string;
        image_name: string;
        image_tag: string;
        annotations: Record<string, string> | null;
      };
    };
  };
  /** The local runtime's environment for it; never shown by the API. */
  local?: LocalEnvironment;
}

export type QueuePolicy = 'fifo' | 'fair';

/** The static half of Table 7; status, instance_num and queue figures are computed per read. */
export interface Flavor {
  name: string;
  type: FlavorType;
  params: Record<string, string | number>;
  promo_type: 'Free' | 'NoDiscount';
  storage_list: StorageType[];
  /** Default auto-stop duration, seconds. */
  duration: number;
  /** Hours a stopped instance is kept; -1 keeps it forever. */
  store_time: number;
  billing_flavor: string | null;
  billing_params: number | null;
  /** Instances that may hold a slot at once; 0 means unbounded. */
  capacity: number;
  /** Whether a create or start that finds no slot waits in a queue instead of failing. */
  queues: boolean;
  /** Stop a running notebook after this many seconds without activity (driver `activity()`); 0 never. */
  idle_stop_seconds: number;
  /**
   * Seconds an instance admitted from the queue waits in READY_TO_START, its slot reserved, for its
   * owner to confirm with `start`; then the slot goes to the next in line. 0 starts it at once.
   */
  reservation_seconds: number;
  /**
   * Who of those waiting gets a freed slot first (core/capacity/queue-policy): `fifo`, the first to
   * arrive; `fair`, the user who used the flavor least over the last `fair_window_days`.
   */
  queue_policy: QueuePolicy;
  /** Days of usage a `fair` line weighs (a whole or fractional number of days). */
  fair_window_days: number;
  /** Instances one user may have waiting for the flavor at once; 0 for no limit. */
  max_waiting_per_user: number;
  /** Projects allowed to use it; empty means every project. */
  allowed_projects: string[];
  /**
   * Notebook servers kept started ahead per profile of the flavor, each handed to a create in one
   * step (core/warm); they count against the flavor's capacity. 0: none.
   */
  warm: number;
}

export interface PoolDefinition {
  id: string;
  name: string;
  type: string;
  owner_project_id: string | null;
  capacity: number;
}

export interface CatalogData {
  profiles: Profile[];
  flavors: Flavor[];
  pools: PoolDefinition[];
  workspaces: string[];
}

/** GPUs one instance of the flavor holds: `params.GPU` of a GPU flavor, 0 for any other. */
export function gpusOf(flavor: Flavor): number {
  const gpus = Number(flavor.type === 'GPU' ? (flavor.params.GPU ?? 0) : 0);
  return Number.isInteger(gpus) && gpus > 0 ? gpus : 0;
}

export class Catalog {
  readonly #profiles: Map<string, Profile>;
  readonly #flavors: Map<string, Flavor>;
  readonly #pools: Map<string, PoolDefinition>;
  readonly #workspaces: Set<string>;
  /** Read on every view of a GPU flavor: made once. */
  readonly #gpuWeights: Readonly<Record<string, number>>;

  constructor(
    readonly data: CatalogData,
    /**
     * GPUs the runtime shares out among every GPU flavor's instances (the local runtime's host
     * GPUs); null where something else schedules them (a cluster) or none are known.
     */
    readonly hostGpus: number | null = null,
  ) {
    this.#profiles = new Map(data.profiles.map((p) => [p.id, p]));
    this.#flavors = new Map(data.flavors.map((f) => [f.name, f]));
    this.#pools = new Map(data.pools.map((p) => [p.id, p]));
    this.#gpuWeights = Object.freeze(
      hostGpus === null
        ? {}
        : Object.fromEntries(data.flavors.filter((f) => gpusOf(f) > 0).map((f) => [f.name, gpusOf(f)])),
    );
    this.#workspaces = new Set(['0', ...data.workspaces]);
  }

  profile(id: string): Profile | undefined {
    return this.#profiles.get(id);
  }

  flavor(name: string): Flavor | undefined {
    return this.#flavors.get(name);
  }

  pool(id: string): PoolDefinition | undefined {
    return this.#pools.get(id);
  }

  hasWorkspace(id: string): boolean {
    return this.#workspaces.has(id);
  }

  /** What each GPU flavor's instance holds of the host's GPUs; empty when they are not shared out here. */
  gpuWeights(): Readonly<Record<string, number>> {
    return this.#gpuWeights;
  }

  isPermitted(flavor: Flavor, projectId: string): boolean {
    return flavor.allowed_projects.length === 0 || flavor.allowed_projects.includes(projectId);
  }
}
