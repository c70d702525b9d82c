/**
 * @module test/store/fixtures
 * Fully populated records for the store tests; every optional and nullable field is filled in
 * unless a test overrides it.
 */
import type { Project, StoredToken, User } from '../../src/core/model/identity-types.js';
import type { Instance } from '../../src/core/model/instance.js';
import type { InstanceEvent } from '../../src/core/ports/store.js';

let sequence = 0;

/** Epoch ms past 2^32, so a 32-bit column or a lossy conversion would show. */
export const T0 = 1_760_000_000_000;

export function makeInstance(overrides: Partial<Instance> = {}): Instance {
  sequence += 1;
  const id = `DE-00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
  return {
    id,
    projectId: 'project-a',
    user: { id: 'user-1', name: 'alice' },
    name: `notebook-${sequence}`,
    description: 'a "quoted" description with unicode ✓ and a\nnewline',
    status: 'RUNNING',
    profileId: 'profile-cpu',
    flavor: 'modelarts.vm.cpu.2u',
    workspaceId: '0',
    aiProjectId: 'default-ai-project',
    pool: { id: 'pool-1', name: 'shared pool', type: 'USER_DEFINED', owner: { project_id: 'project-a' } },
    spec: {
      storage: { type: 'evs', location: { path: '/data/', volume_size: 50, mount_path: '/home/ma-user/work' } },
      auto_stop: { enable: true, duration: 3600, prompt: false },
      annotations: { 'app.example/owner': 'alice', empty: '' },
      extend_storage: [
        { type: 'obs', location: { path: 'obs://bucket/dir/', mount_path: '/mnt/obs' } },
        { type: 'efs', location: { path: 'efs-share', mount_path: '/mnt/efs' } },
      ],
      repository: {
        id: 'repo-1',
        branch: 'main',
        user_name: 'alice',
        user_email: 'alice@example.com',
        type: 'git',
        connection_info: {
          protocol: 'https',
          url: 'https://git.example.com/alice/repo.git',
          credential: { ssh_private_key: 'KEY', access_token: 'TOKEN' },
        },
      },
      custom_script_path: 'obs://bucket/scripts/init.sh',
      log_path: 'obs://bucket/logs/',
      extend_params: { key: 'value' },
      credential: { access_token: 'secret-token' },
    },
    failedReasons: { code: 'ModelArts.6360', message: 'insufficient resources', detail: { node: 'n1' } },
    errorCode: 'ModelArts.6360',
    stopAt: T0 + 3_600_000,
    reservedAt: T0 + 1,
    queuedAt: T0 + 2,
    runtime: {
      endpoint: 'http://127.0.0.1:41234',
      data: { pid: 4242, nested: { list: [1, 'two', null, { deep: true }] }, nothing: null },
    },
    intent: { kind: 'start', at: T0 + 5, by: 'user-1' },
    createdAt: T0 + sequence,
    updatedAt: T0 + sequence + 10,
    version: 1,
    ...overrides,
  };
}

/** The same instance with every nullable field null (at the top level and inside). */
export function makeSparseInstance(overrides: Partial<Instance> = {}): Instance {
  const base = makeInstance(overrides);
  return {
    ...base,
    pool: null,
    spec: {
      storage: { type: 'obs', location: {} },
      auto_stop: { enable: false, duration: 0, prompt: true },
      annotations: {},
      extend_storage: null,
      repository: null,
      custom_script_path: null,
      log_path: null,
      extend_params: null,
      credential: null,
    },
    failedReasons: null,
    errorCode: null,
    stopAt: null,
    reservedAt: null,
    queuedAt: null,
    runtime: null,
    ...overrides,
  };
}

export function makeUser(overrides: Partial<User> = {}): User {
  sequence += 1;
  return {
    id: `user-${sequence}`,
    name: `user${sequence}`,
    domain: 'Default',
    passwordHash: `scrypt$16384$8$1$salt${sequence}$hash${sequence}`,
    isSystemAdmin: false,
    enabled: true,
    createdAt: T0 + sequence,
    ...overrides,
  };
}

export function makeProject(overrides: Partial<Project> = {}): Project {
  sequence += 1;
  return {
    id: `project-${sequence}`,
    name: `project${sequence}`,
    domain: 'Default',
    description: `project number ${sequence}`,
    createdAt: T0 + sequence,
    ...overrides,
  };
}

export function makeToken(userId: string, projectId: string, overrides: Partial<StoredToken> = {}): StoredToken {
  sequence += 1;
  return {
    hash: `sha256-${String(sequence).padStart(8, '0')}`,
    userId,
    projectId,
    issuedAt: T0,
    expiresAt: T0 + 3_600_000,
    ...overrides,
  };
}

/** An event about `instance`, fully populated unless overridden; `seq` is left to the store. */
export function makeEvent(
  instance: Pick<Instance, 'id' | 'projectId'>,
  overrides: Partial<InstanceEvent> = {},
): InstanceEvent {
  sequence += 1;
  return {
    instanceId: instance.id,
    projectId: instance.projectId,
    at: T0 + sequence,
    kind: 'transition',
    from: 'STARTING',
    to: 'RUNNING',
    by: 'user-1',
    replica: 'replica-a',
    detail: { reason: 'a "quoted" reason ✓', empty: '' },
    ...overrides,
  };
}

/** Every migration this release has, in order, as the tests expect to find them applied. */
export const ALL_MIGRATIONS = [
  '0001-initial',
  '0002-events-and-leases',
  '0003-due-times',
  '0004-access-keys',
  '0005-audit-log',
  '0006-instance-counts',
  '0007-changes-since',
  '0008-installation',
  '0009-no-status-index',
  '0010-names-unique-regardless-of-case',
  '0011-identity-revision',
  '0012-obs-buckets',
  '0013-write-probes',
  '0014-instance-shares',
  '0015-usage-periods',
  '0016-usage-totals',
  '0017-budgets',
  '0018-write-notifications',
];

/** An instance row as release 0.1 (migration 0001) wrote it: its columns only. */
export function rowAt0001(instance: Instance) {
  return {
    id: instance.id,
    project_id: instance.projectId,
    user_id: instance.user.id,
    name: instance.name,
    status: instance.status,
    flavor: instance.flavor,
    workspace_id: instance.workspaceId,
    ai_project_id: instance.aiProjectId,
    pool_id: instance.pool?.id ?? null,
    created_at: instance.createdAt,
    updated_at: instance.updatedAt,
    version: instance.version,
    doc: JSON.stringify(instance),
  };
}
