/**
 * @module core/model/builtin-catalog
 * The catalog a fresh install serves when its configuration names none: the profiles and
 * flavors of the public ModelArts DevEnviron documentation.
 */
import type { CatalogData, Flavor, FlavorType, LocalEnvironment, PoolDefinition, Profile } from './catalog.js';

/** A flavor as a config file may give it: a name and a type, every other field defaulted. */
export type FlavorOptions = Pick<Flavor, 'name' | 'type'> & Partial<Flavor>;

/** A profile as a config file may give it: an id and its flavor types, the image fields defaulted. */
export interface ProfileOptions {
  id: string;
  flavor_types: FlavorType[];
  name?: string;
  description?: string;
  labels?: Record<string, string> | null;
  image?: { namespace?: string; image_name?: string; image_tag?: string };
  /** What it runs on the local runtime (a virtualenv or conda prefix, its Jupyter, variables). */
  local?: LocalEnvironment;
}

export interface CatalogOptions {
  profiles?: ProfileOptions[];
  flavors?: FlavorOptions[];
  pools?: PoolDefinition[];
  workspaces?: string[];
}

export function completeProfile(options: ProfileOptions): Profile {
  const base = profile(
    options.id,
    options.description ?? '',
    options.flavor_types,
    options.image?.image_name ?? 'notebook',
    options.image?.image_tag ?? 'latest',
  );
  base.name = options.name ?? options.id;
  base.labels = options.labels ?? null;
  base.provision.spec.params.namespace = options.image?.namespace ?? base.provision.spec.params.namespace;
  if (options.local) base.local = checkedEnvironment(options.id, options.local);
  return base;
}

function checkedEnvironment(id: string, local: LocalEnvironment): LocalEnvironment {
  const where = `catalog profile ${JSON.stringify(id)}: local`;
  if (local.prefix !== undefined && (typeof local.prefix !== 'string' || !local.prefix.startsWith('/')))
    throw new Error(`${where}.prefix must be an absolute path, got ${JSON.stringify(local.prefix)}`);
  if (local.jupyter !== undefined && (typeof local.jupyter !== 'string' || local.jupyter === ''))
    throw new Error(`${where}.jupyter must be a command name or path, got ${JSON.stringify(local.jupyter)}`);
  const env = local.env ?? {};
  if (
    typeof env !== 'object' ||
    Array.isArray(env) ||
    !Object.entries(env).every(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === 'string')
  ) {
    throw new Error(`${where}.env must map variable names to strings, got ${JSON.stringify(local.env)}`);
  }
  return {
    ...(local.prefix ? { prefix: local.prefix } : {}),
    ...(local.jupyter ? { jupyter: local.jupyter } : {}),
    ...(local.env ? { env: { ...env } } : {}),
  };
}

export function completeFlavor(options: FlavorOptions): Flavor {
  const { name, type, params, ...rest } = options;
  return checkedQueueSettings(flavor(name, type, params ?? {}, rest));
}

/** Warm servers per profile of one flavor: each holds a server's memory while it waits. */
const MAX_WARM = 64;

/** The queue and warm settings of a configured flavor, refused with the field and the value at fault. */
function checkedQueueSettings(flavor: Flavor): Flavor {
  const where = `catalog flavor ${JSON.stringify(flavor.name)}`;
  const { queue_policy: policy, fair_window_days: windowDays, max_waiting_per_user: maxWaiting, warm } = flavor;
  if (policy !== 'fifo' && policy !== 'fair')
    throw new Error(`${where}: queue_policy must be "fifo" or "fair", got ${JSON.stringify(policy)}`);
  if (typeof windowDays !== 'number' || !Number.isFinite(windowDays) || windowDays <= 0 || windowDays > 366)
    throw new Error(
      `${where}: fair_window_days must be a number of days above 0 and at most 366, got ${JSON.stringify(windowDays)}`,
    );
  if (!Number.isInteger(maxWaiting) || maxWaiting < 0)
    throw new Error(
      `${where}: max_waiting_per_user must be a whole number, 0 for no limit, got ${JSON.stringify(maxWaiting)}`,
    );
  if (!Number.isInteger(warm) || warm < 0 || warm > MAX_WARM)
    throw new Error(
      `${where}: warm must be a whole number of servers from 0 to ${MAX_WARM} per profile, got ${JSON.stringify(warm)}`,
    );
  return flavor;
}

/** The built-in catalog with any part the options give replaced by theirs. */
export function resolveCatalog(options: CatalogOptions = {}): CatalogData {
  return {
    profiles: options.profiles?.map(completeProfile) ?? BUILTIN_CATALOG.profiles,
    flavors: options.flavors?.map(completeFlavor) ?? BUILTIN_CATALOG.flavors,
    pools: options.pools ?? BUILTIN_CATALOG.pools,
    workspaces: options.workspaces ?? BUILTIN_CATALOG.workspaces,
  };
}

function profile(id: string, description: string, flavorTypes: FlavorType[], image: string, tag: string): Profile {
  const category = id.replace(/-(cpu|gpu)$/, '');
  return {
    id,
    name: id,
    description,
    de_type: 'Notebook',
    flavor_types: flavorTypes,
    labels: null,
    provision: {
      type: 'Docker',
      annotations: { category, type: 'system' },
      spec: { engine: 'CCE', params: { namespace: 'atelier', image_name: image, image_tag: tag, annotations: null } },
    },
  };
}

const HOUR = 3600;

function flavor(name: string, type: FlavorType, params: Flavor['params'], extra: Partial<Flavor> = {}): Flavor {
  return {
    name,
    type,
    params,
    promo_type: 'NoDiscount',
    storage_list: type === 'GPU' ? ['obs', 'evs', 'efs'] : ['obs', 'evs'],
    duration: HOUR,
    store_time: -1,
    billing_flavor: null,
    billing_params: null,
    capacity: 0,
    queues: false,
    idle_stop_seconds: 0,
    reservation_seconds: 0,
    queue_policy: 'fifo',
    fair_window_days: 7,
    max_waiting_per_user: 0,
    allowed_projects: [],
    warm: 0,
    ...extra,
  };
}

export const BUILTIN_CATALOG: CatalogData = {
  profiles: [
    profile(
      'Multi-Engine 1.0 (python3)-cpu',
      'multi engine, cpu, python 3.6 for notebook',
      ['CPU'],
      'mul-kernel-cpu-cp36',
      '2.0.5-B003',
    ),
    profile(
      'Multi-Engine 1.0 (python3)-gpu',
      'multi engine, gpu, python 3.6 for notebook',
      ['GPU'],
      'mul-kernel-gpu-cuda-cp36',
      '2.0.5-B003',
    ),
    profile(
      'Multi-Engine 2.0 (python3)',
      'multi engine 2.0, cpu and gpu, python 3.7 for notebook',
      ['CPU', 'GPU'],
      'mul-kernel-cp37',
      '3.0.1-B001',
    ),
  ],
  flavors: [
    flavor('modelarts.vm.cpu.2u', 'CPU', { CPU: 2, memory: '8GiB' }),
    flavor('modelarts.vm.cpu.8u', 'CPU', { CPU: 8, memory: '32GiB' }),
    // Free flavors are scarce by design: few slots, a queue, and a two-week retention.
    flavor(
      'modelarts.vm.cpu.free',
      'CPU',
      { CPU: 1, memory: '4GiB' },
      { promo_type: 'Free', capacity: 5, queues: true, store_time: 336 },
    ),
    flavor('modelarts.vm.gpu.v100', 'GPU', { CPU: 8, GPU: 1, gpu_type: 'v100', memory: '64GiB' }),
    flavor('modelarts.bm.gpu.v100NV32', 'GPU', { CPU: 8, GPU: 1, gpu_type: 'v100NV32', memory: '64GiB' }),
  ],
  pools: [],
  workspaces: [],
};
