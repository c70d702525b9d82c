/**
 * @module api/instance-view
 * Turns a stored instance into the Table 2 body: fills what is derived at read time (URL, remaining
 * auto-stop time, flavor details, the profile as the catalog has it) and masks credentials. Pure:
 * everything it needs arrives in the {@link ViewContext}, gathered once per request.
 */
import { soldOut } from '../core/capacity/admission.js';
import { completeFlavor } from '../core/model/builtin-catalog.js';
import type { QueueSnapshot } from '../core/instances/queue-service.js';
import { maskedRepositoryUrl } from '../core/instances/repository-url.js';
import { QUEUED_STATUSES } from '../core/model/statuses.js';
import type { Catalog, Flavor, Profile } from '../core/model/catalog.js';
import {
  BUDGET_HOLD_ANNOTATION,
  LAST_ACTIVITY_ANNOTATION,
  type Credential,
  type Instance,
  type Repository,
  type Storage,
} from '../core/model/instance.js';
import type { FlavorDetailsBody, InstanceBody } from './schemas/instance-schema.js';

export interface ViewContext {
  catalog: Catalog;
  now: number;
  /** Public base URL of this server, no trailing slash. */
  publicUrl: string;
  /** Where an instance's notebook opens (api/public-url). */
  notebookUrl(id: string): string;
  projectId: string;
  /** The caller's instance count per flavor (Table 7 `instance_num`). */
  instanceCounts: ReadonlyMap<string, number>;
  /** Instances holding a slot, per flavor, over every project (Table 7 `status`). */
  slotHolders: ReadonlyMap<string, number>;
  /** The lines of the queueing flavors in this response (Table 17, Table 7 queue figures). */
  queues: Map<string, QueueSnapshot>;
}

const MASK = '******';

function maskCredential(credential: Credential | null | undefined): InstanceBody['spec']['credential'] {
  if (!credential) return null;
  return {
    ssh_private_key: credential.ssh_private_key ? MASK : null,
    access_token: credential.access_token ? MASK : null,
  };
}

function storageView(storage: Storage): InstanceBody['spec']['storage'] {
  return {
    type: storage.type,
    location: {
      path: storage.location.path ?? null,
      volume_size: storage.location.volume_size ?? null,
      mount_path: storage.location.mount_path ?? null,
    },
  };
}

function repositoryView(repo: Repository | null): InstanceBody['spec']['repository'] {
  if (!repo) return null;
  const info = repo.connection_info;
  return {
    id: repo.id ?? null,
    branch: repo.branch ?? null,
    user_name: repo.user_name ?? null,
    user_email: repo.user_email ?? null,
    type: repo.type ?? null,
    connection_info: info
      ? {
          protocol: info.protocol ?? null,
          url: info.url ? maskedRepositoryUrl(info.url) : null,
          credential: maskCredential(info.credential),
        }
      : null,
  };
}

function seconds(until: number, now: number): number {
  return Math.max(0, Math.round((until - now) / 1000));
}

export function flavorDetailsView(flavor: Flavor, ctx: ViewContext): FlavorDetailsBody {
  const full = soldOut(ctx.catalog, flavor, ctx.slotHolders);
  // Table 7: the queue figures accompany a sold-out Free (here: any queueing) flavor.
  const line = full && (flavor.queues || flavor.promo_type === 'Free') ? ctx.queues.get(flavor.name) : undefined;
  return {
    name: flavor.name,
    status: full ? 'soldOut' : 'onSale',
    queuing_num: line ? line.length : null,
    queue_left_time: line ? seconds(line.nextFreeAt, ctx.now) : null,
    storage_list: flavor.storage_list,
    is_permitted: ctx.catalog.isPermitted(flavor, ctx.projectId),
    type: flavor.type,
    params: flavor.params,
    promo_type: flavor.promo_type,
    instance_num: ctx.instanceCounts.get(flavor.name) ?? 0,
    duration: flavor.duration,
    store_time: flavor.store_time,
    billing_flavor: flavor.billing_flavor,
    billing_params: flavor.billing_params,
  };
}

/** Stands in for catalog entries removed from the configuration after the instance was made. */
function missingFlavor(name: string): Flavor {
  return completeFlavor({ name, type: 'CPU', storage_list: [], allowed_projects: ['-'] });
}

function profileView(profile: Profile | undefined, id: string, flavor: Flavor): InstanceBody['profile'] {
  if (!profile) {
    return {
      id,
      name: id,
      description: 'This profile is no longer offered.',
      de_type: 'Notebook',
      provision: {
        type: 'Docker',
        spec: { engine: 'CCE', params: { namespace: '', image_name: '', image_tag: '', annotations: null } },
        annotations: null,
      },
      labels: null,
      flavor_type: flavor.type,
    };
  }
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    de_type: profile.de_type,
    provision: profile.provision,
    labels: profile.labels,
    flavor_type: profile.flavor_types.includes(flavor.type) ? flavor.type : profile.flavor_types[0]!,
  };
}

function queuingInfo(instance: Instance, flavor: Flavor, ctx: ViewContext): InstanceBody['queuing_info'] {
  const position = QUEUED_STATUSES.includes(instance.status)
    ? ctx.queues.get(instance.flavor)?.positions.get(instance.id)
    : undefined;
  if (!position) return null;
  return {
    id: instance.id,
    name: instance.name,
    de_type: 'Notebook',
    flavor: instance.flavor,
    flavor_details: flavorDetailsView(flavor, ctx),
    status: instance.status,
    begin_timestamp: instance.queuedAt ?? instance.createdAt,
    remain_time: seconds(position.expectedAt, ctx.now),
    end_timestamp: position.expectedAt,
    rank: position.rank,
  };
}

/**
 * The instance's own annotations, with its budget hold as the queue sees it now: shown while a spent
 * budget holds it in its line, gone once it does not (the stored copy only marks that its history
 * entry was written, and may be older).
 */
function annotationsOf(instance: Instance, ctx: ViewContext): Record<string, string> {
  const { [BUDGET_HOLD_ANNOTATION]: _stored, ...annotations } = instance.spec.annotations;
  const heldBy = QUEUED_STATUSES.includes(instance.status)
    ? ctx.queues.get(instance.flavor)?.positions.get(instance.id)?.heldBy
    : undefined;
  return heldBy === undefined ? annotations : { ...annotations, [BUDGET_HOLD_ANNOTATION]: heldBy };
}

export function instanceView(instance: Instance, ctx: ViewContext): InstanceBody {
  const flavor = ctx.catalog.flavor(instance.flavor) ?? missingFlavor(instance.flavor);
  const running = instance.status === 'RUNNING';
  const autoStop = instance.spec.auto_stop;
  const stopAt = running ? instance.stopAt : null;
  return {
    id: instance.id,
    name: instance.name,
    description: instance.description,
    status: instance.status,
    creation_timestamp: String(instance.createdAt),
    latest_update_timestamp: String(instance.updatedAt),
    profile: profileView(ctx.catalog.profile(instance.profileId), instance.profileId, flavor),
    flavor: instance.flavor,
    flavor_details: flavorDetailsView(flavor, ctx),
    spec: {
      log_path: instance.spec.log_path,
      custom_script_path: instance.spec.custom_script_path,
      storage: storageView(instance.spec.storage),
      extend_storage: instance.spec.extend_storage?.map(storageView) ?? null,
      credential: maskCredential(instance.spec.credential),
      repository: repositoryView(instance.spec.repository),
      resource_reserved_timestamp: instance.reservedAt,
      auto_stop: {
        enable: autoStop.enable,
        duration: autoStop.duration,
        prompt: autoStop.prompt,
        stop_timestamp: stopAt,
        remain_time: stopAt === null ? null : Math.max(0, Math.round((stopAt - ctx.now) / 1000)),
      },
      failed_reasons: instance.failedReasons,
      annotations: {
        ...annotationsOf(instance, ctx),
        [LAST_ACTIVITY_ANNOTATION]: String(instance.lastActivityAt ?? instance.createdAt),
        target_domain: ctx.publicUrl,
        url: running ? ctx.notebookUrl(instance.id) : '',
      },
      extend_params: instance.spec.extend_params,
    },
    workspace: { id: instance.workspaceId },
    pool: instance.pool,
    ai_project: { id: instance.aiProjectId },
    error_code: instance.errorCode,
    queuing_info: queuingInfo(instance, flavor, ctx),
    user: instance.user,
  };
}
