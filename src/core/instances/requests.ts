/**
 * @module core/instances/requests
 * Create and modify requests as the domain receives them (the wire shape, already type-checked by
 * the API schemas), and their validation into stored values. Each rule answers with the ModelArts
 * code the public API uses for it.
 */
import type { Catalog, Flavor, Profile } from '../model/catalog.js';
import { escapedCharacter, firstControlCharacter } from '../shared/control-characters.js';
import { DomainError } from '../shared/errors.js';
import { checkBranch, checkGitIdentity, checkRepositoryUrl } from './repository-url.js';
import type {
  AutoStopSettings,
  Credential,
  Instance,
  InstanceSpec,
  PoolRef,
  Repository,
  Storage,
  StorageType,
} from '../model/instance.js';

type Maybe<T> = T | null | undefined;

export interface StorageRequest {
  type: string;
  location?: Maybe<{ path?: Maybe<string>; volume_size?: Maybe<number>; mount_path?: Maybe<string> }>;
}

export interface AutoStopRequest {
  enable?: boolean;
  duration?: Maybe<number>;
  prompt?: boolean;
  /** Modify only: a later deadline for the current run (renew). */
  stop_timestamp?: Maybe<number>;
}

export interface CreateRequest {
  name: string;
  description?: Maybe<string>;
  profile_id: string;
  flavor: string;
  spec: {
    storage?: Maybe<StorageRequest>;
    auto_stop?: Maybe<AutoStopRequest>;
    annotations?: Maybe<Record<string, string>>;
    extend_storage?: Maybe<StorageRequest[]>;
    repository?: Maybe<RepositoryRequest>;
    custom_script_path?: Maybe<string>;
    log_path?: Maybe<string>;
    extend_params?: Maybe<Record<string, string>>;
    credential?: Maybe<CredentialRequest>;
  };
  workspace?: Maybe<{ id?: Maybe<string> }>;
  pool?: Maybe<{
    id?: Maybe<string>;
    name?: Maybe<string>;
    type?: Maybe<string>;
    owner?: Maybe<{ project_id?: Maybe<string> }>;
  }>;
  ai_project?: Maybe<{ id?: Maybe<string> }>;
}

export interface CredentialRequest {
  ssh_private_key?: Maybe<string>;
  access_token?: Maybe<string>;
}

export interface RepositoryRequest {
  id?: Maybe<string>;
  branch?: Maybe<string>;
  user_name?: Maybe<string>;
  user_email?: Maybe<string>;
  type?: Maybe<string>;
  connection_info?: Maybe<{ protocol?: Maybe<string>; url?: Maybe<string>; credential?: Maybe<CredentialRequest> }>;
}

export interface ModifyRequest {
  description?: Maybe<string>;
  flavor?: Maybe<string>;
  spec?: Maybe<{ auto_stop?: Maybe<AutoStopRequest> }>;
  /** One client sends auto_stop at the top level. */
  auto_stop?: Maybe<AutoStopRequest>;
}

export const AUTO_STOP_RANGE = { min: 3600, max: 86_400 } as const;
export const EVS_RANGE = { min: 5, max: 4096 } as const;
const STORAGE_TYPES: readonly StorageType[] = ['obs', 'evs', 'efs', 'obsfs'];
const NAME_CHARS = /[A-Za-z0-9_-]/;
const DESCRIPTION_FORBIDDEN = /[&<>"'/]/;

export function checkName(name: string): void {
  if (name.length === 0) throw new DomainError('ModelArts.6336', 'name');
  for (const ch of name) if (!NAME_CHARS.test(ch)) throw new DomainError('ModelArts.6334', ch);
}

export function checkDescription(description: string): void {
  // Named by its escape in the message: the character itself would reach whoever prints it.
  const control = firstControlCharacter(description);
  if (control !== undefined) throw new DomainError('ModelArts.6334', escapedCharacter(control));
  const bad = DESCRIPTION_FORBIDDEN.exec(description);
  if (bad) throw new DomainError('ModelArts.6334', bad[0]);
}

/** Profile and flavor checks shared by create and resize (6323, 6328, 6330). */
export function resolveFlavor(catalog: Catalog, profile: Profile, flavorName: string, projectId: string): Flavor {
  const flavor = catalog.flavor(flavorName);
  if (!flavor) throw new DomainError('ModelArts.6323');
  if (!catalog.isPermitted(flavor, projectId)) throw new DomainError('ModelArts.6328');
  if (!profile.flavor_types.includes(flavor.type)) throw new DomainError('ModelArts.6330');
  return flavor;
}

function checkStorage(request: Maybe<StorageRequest>, flavor: Flavor): Storage {
  if (!request) throw new DomainError('ModelArts.6316');
  const type = request.type as StorageType;
  if (!STORAGE_TYPES.includes(type) || !flavor.storage_list.includes(type)) throw new DomainError('ModelArts.6324');
  const location = request.location ?? {};
  const mount = location.mount_path ? { mount_path: checkAbsolutePath(location.mount_path, 'mount_path') } : {};
  if (type === 'evs') {
    // A Go client sends 0 for "not set".
    const size = location.volume_size || EVS_RANGE.min;
    if (size < EVS_RANGE.min || size > EVS_RANGE.max)
      throw new DomainError('ModelArts.6331', EVS_RANGE.min, EVS_RANGE.max);
    return { type, location: { volume_size: size, ...mount } };
  }
  const path = location.path;
  if (!path) throw new DomainError('ModelArts.6317');
  if (!path.endsWith('/')) throw new DomainError('ModelArts.6318');
  checkAbsolutePath(path, 'path');
  // `/bucket/` is a bucket root; an instance needs a directory inside the bucket.
  if (path.split('/').filter(Boolean).length < 2) throw new DomainError('ModelArts.6358');
  return { type, location: { path, ...mount } };
}

/** A `.` or `..` segment, also percent-encoded (`%2e%2e`): a store that decodes it must not climb. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

function checkAbsolutePath(path: string, field: string): string {
  const segments = path.split('/');
  if (!path.startsWith('/') || segments.some((s) => DOT_SEGMENT.test(s)) || /[\u0000-\u001f\u007f\\]/.test(path)) {
    throw new DomainError('ModelArts.6336', field);
  }
  return path;
}

/**
 * A renew moves the deadline of the current run later (never earlier: the scheduler is armed for
 * the current one), within the longest running time from now.
 */
export function checkRenew(stopTimestamp: number, instance: Instance, now: number): number {
  if (instance.status !== 'RUNNING' || instance.stopAt === null)
    throw new DomainError('ModelArts.6347', instance.status, 'stop_timestamp');
  if (stopTimestamp <= now) throw new DomainError('ModelArts.6346');
  if (stopTimestamp < instance.stopAt || stopTimestamp > now + AUTO_STOP_RANGE.max * 1000)
    throw new DomainError('ModelArts.6336', 'stop_timestamp');
  return stopTimestamp;
}

export function checkAutoStop(request: Maybe<AutoStopRequest>, current: AutoStopSettings): AutoStopSettings {
  if (!request) return current;
  const enable = request.enable ?? current.enable;
  const prompt = request.prompt ?? current.prompt;
  if (!enable) {
    // Go clients send duration 0 with enable=false: keep the stored duration then.
    const duration = request.duration ? checkDuration(request.duration) : current.duration;
    return { enable, duration, prompt };
  }
  if (request.enable === true && !request.duration) throw new DomainError('ModelArts.6348');
  const duration = request.duration ? checkDuration(request.duration) : current.duration;
  return { enable, duration, prompt };
}

function checkDuration(duration: number): number {
  if (duration < AUTO_STOP_RANGE.min || duration > AUTO_STOP_RANGE.max) {
    throw new DomainError('ModelArts.6349', AUTO_STOP_RANGE.min, AUTO_STOP_RANGE.max);
  }
  return duration;
}

function checkRepository(request: Maybe<RepositoryRequest>): Repository | null {
  const url = request?.connection_info?.url;
  if (!request || !url) return null;
  const protocol = checkRepositoryUrl(url, request.connection_info?.protocol);
  const repo: Repository = { connection_info: { protocol, url } };
  if (request.id) repo.id = request.id;
  if (request.branch) repo.branch = checkBranch(request.branch);
  if (request.user_name) repo.user_name = checkGitIdentity(request.user_name, 'user_name');
  if (request.user_email) repo.user_email = checkGitIdentity(request.user_email, 'user_email');
  if (request.type) repo.type = request.type;
  const credential = checkCredential(request.connection_info?.credential);
  if (credential) repo.connection_info!.credential = credential;
  return repo;
}

function checkCredential(request: Maybe<CredentialRequest>): Credential | null {
  if (!request) return null;
  const credential: Credential = {};
  if (request.ssh_private_key) credential.ssh_private_key = request.ssh_private_key;
  if (request.access_token) credential.access_token = request.access_token;
  return Object.keys(credential).length > 0 ? credential : null;
}

function checkPool(catalog: Catalog, request: CreateRequest['pool'], projectId: string): PoolRef | null {
  // A Go client always sends a pool; all-empty fields mean "no pool".
  if (!request?.id) return null;
  const pool = catalog.pool(request.id);
  if (!pool || (pool.owner_project_id && pool.owner_project_id !== projectId))
    throw new DomainError('ModelArts.6336', 'pool.id');
  return {
    id: pool.id,
    name: pool.name,
    type: pool.type,
    owner: pool.owner_project_id ? { project_id: pool.owner_project_id } : null,
  };
}

function nonEmpty<T extends object>(value: Maybe<T>): T | null {
  return value && Object.keys(value).length > 0 ? value : null;
}

export interface ValidatedCreate {
  name: string;
  description: string;
  profile: Profile;
  flavor: Flavor;
  spec: InstanceSpec;
  workspaceId: string;
  aiProjectId: string;
  pool: PoolRef | null;
}

/** Checks a create request in the order the public API reports its errors. */
export function validateCreate(catalog: Catalog, request: CreateRequest, projectId: string): ValidatedCreate {
  checkName(request.name);
  const description = request.description ?? '';
  checkDescription(description);
  const profile = catalog.profile(request.profile_id);
  if (!profile) throw new DomainError('ModelArts.6336', 'profile_id');
  const flavor = resolveFlavor(catalog, profile, request.flavor, projectId);
  const storage = checkStorage(request.spec.storage, flavor);
  const extendStorage = request.spec.extend_storage?.length
    ? request.spec.extend_storage.map((s) => checkStorage(s, flavor))
    : null;
  const autoStop = checkAutoStop(request.spec.auto_stop, { enable: false, duration: flavor.duration, prompt: true });
  const workspaceId = request.workspace?.id || '0';
  if (!catalog.hasWorkspace(workspaceId)) throw new DomainError('ModelArts.6336', 'workspace.id');
  const customScript = request.spec.custom_script_path || null;
  const logPath = request.spec.log_path || null;
  if (customScript) checkAbsolutePath(customScript, 'custom_script_path');
  if (logPath) checkAbsolutePath(logPath, 'log_path');
  return {
    name: request.name,
    description,
    profile,
    flavor,
    spec: {
      storage,
      auto_stop: autoStop,
      annotations: { ...request.spec.annotations },
      extend_storage: extendStorage,
      repository: checkRepository(request.spec.repository),
      custom_script_path: customScript,
      log_path: logPath,
      extend_params: nonEmpty(request.spec.extend_params),
      credential: checkCredential(request.spec.credential),
    },
    workspaceId,
    aiProjectId: request.ai_project?.id || 'default-ai-project',
    pool: checkPool(catalog, request.pool, projectId),
  };
}
