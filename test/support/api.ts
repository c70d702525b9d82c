/**
 * @module test/support/api
 * Small helpers for the end-to-end API tests: error assertions, polling, snapshots for
 * "a rejected request changed nothing", and the Keystone-style administration calls.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpResult, TestApp } from './test-app.js';

export const GPU_PROFILE = 'Multi-Engine 1.0 (python3)-gpu';
export const CPU_PROFILE = 'Multi-Engine 1.0 (python3)-cpu';
export const GPU_FLAVOR = 'modelarts.bm.gpu.v100NV32';
export const GPU_FLAVOR_2 = 'modelarts.vm.gpu.v100';
export const CPU_FLAVOR = 'modelarts.vm.cpu.2u';

/**
 * Asserts a ModelArts error answer: the HTTP status, the code, and both message fields
 * (`error_msg` for the SDK clients, `error_message` as documented), equal and non-empty.
 */
export function assertError(res: HttpResult, code: string, status = 400, context = ''): void {
  const where = `${context ? `${context}: ` : ''}${res.status} ${JSON.stringify(res.body)}`;
  const expected = code.includes('.') ? code : `ModelArts.${code}`;
  assert.equal(res.status, status, `HTTP status, ${where}`);
  assert.equal(typeof res.body, 'object', `error body is JSON, ${where}`);
  assert.equal(res.body.error_code, expected, `error_code, ${where}`);
  assert.equal(typeof res.body.error_msg, 'string', `error_msg, ${where}`);
  assert.ok(res.body.error_msg.length > 0, `error_msg non-empty, ${where}`);
  assert.equal(res.body.error_message, res.body.error_msg, `error_message equals error_msg, ${where}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `content type, ${where}`);
}

/** GET detail (as `token`, in `projectId`). */
export function getInstance(t: TestApp, id: string, opts: { token?: string; projectId?: string; query?: string } = {}) {
  return t.http(
    'GET',
    `${t.instances(opts.projectId)}/${id}${opts.query ?? ''}`,
    opts.token ? { token: opts.token } : {},
  );
}

/** GET list with `?de_type=Notebook&<query>`. */
export function listInstances(t: TestApp, query = '', opts: { token?: string; projectId?: string } = {}) {
  return t.http(
    'GET',
    `${t.instances(opts.projectId)}?de_type=Notebook${query ? `&${query}` : ''}`,
    opts.token ? { token: opts.token } : {},
  );
}

export function action(t: TestApp, id: string, name: string, opts: { token?: string; projectId?: string } = {}) {
  return t.http('POST', `${t.instances(opts.projectId)}/${id}/action`, {
    body: { action: name },
    ...(opts.token ? { token: opts.token } : {}),
  });
}

/** Polls GET detail until `predicate` holds (or the instance is gone, when `gone`), ~10 s at most. */
export async function waitUntil(
  t: TestApp,
  id: string,
  predicate: (instance: any) => boolean,
  opts: { token?: string; projectId?: string; what?: string; timeoutMs?: number } = {},
): Promise<any> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: HttpResult | undefined;
  while (Date.now() < deadline) {
    last = await getInstance(t, id, opts);
    if (last.status === 200 && predicate(last.body)) return last.body;
    await delay(5);
  }
  throw new Error(
    `instance ${id} never became ${opts.what ?? 'as expected'}; last: ${last?.status} ${JSON.stringify(last?.body)?.slice(0, 400)}`,
  );
}

export function waitStatus(
  t: TestApp,
  id: string,
  status: string,
  opts: { token?: string; projectId?: string; timeoutMs?: number } = {},
) {
  return waitUntil(t, id, (i) => i.status === status, { ...opts, what: status });
}

/** Waits until GET detail answers 6309. */
export async function waitGone(
  t: TestApp,
  id: string,
  opts: { token?: string; projectId?: string } = {},
): Promise<HttpResult> {
  const deadline = Date.now() + 10_000;
  let last: HttpResult | undefined;
  while (Date.now() < deadline) {
    last = await getInstance(t, id, opts);
    if (last.status !== 200) return last;
    await delay(5);
  }
  throw new Error(`instance ${id} never went away; last: ${JSON.stringify(last?.body)?.slice(0, 300)}`);
}

/** POST create; asserts 200 and returns the body. */
export async function create(
  t: TestApp,
  body: unknown,
  opts: { token?: string; projectId?: string } = {},
): Promise<any> {
  const res = await t.http('POST', t.instances(opts.projectId), { body, ...(opts.token ? { token: opts.token } : {}) });
  assert.equal(res.status, 200, `create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** `remain_time` is derived from the reading time (seconds to stop_timestamp); drop it from snapshots. */
export function timeless(instance: any): any {
  if (!instance?.spec?.auto_stop) return instance;
  return {
    ...instance,
    spec: { ...instance.spec, auto_stop: { ...instance.spec.auto_stop, remain_time: '(reading time)' } },
  };
}

/**
 * Everything a caller can observe about the instances of a project: the list (as the admin, all
 * users) and every detail. Two snapshots are equal iff nothing observable changed (apart from
 * `remain_time`, which counts down by itself; `stop_timestamp` is compared).
 */
export async function snapshot(t: TestApp, opts: { token?: string; projectId?: string } = {}): Promise<unknown> {
  const list = await listInstances(t, 'show_self=false', opts);
  assert.equal(list.status, 200, `snapshot list: ${JSON.stringify(list.body)}`);
  const details: Record<string, unknown> = {};
  for (const instance of list.body.instances) {
    const res = await getInstance(t, instance.id, opts);
    details[instance.id] = { status: res.status, body: res.status === 200 ? timeless(res.body) : res.body };
  }
  return { list: { ...list.body, instances: list.body.instances.map(timeless) }, details };
}

/**
 * Sends a request that must be rejected with `code` (and `status`), and checks that it changed
 * nothing: the snapshot of the project (or of each project in `projects`) is identical after.
 */
export async function assertRejected(
  t: TestApp,
  request: () => Promise<HttpResult>,
  code: string,
  status = 400,
  context = '',
  projects: { token?: string; projectId?: string }[] = [{}],
): Promise<HttpResult> {
  const before = await Promise.all(projects.map((p) => snapshot(t, p)));
  const res = await request();
  assertError(res, code, status, context);
  const after = await Promise.all(projects.map((p) => snapshot(t, p)));
  assert.deepEqual(after, before, `${context}: the rejected request changed something`);
  return res;
}

/** The body of a password login (`POST /v3/auth/tokens`), scoped to `scope` if given. */
export function loginBody(name: string, password: string, scope?: { id?: string; name?: string }) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'default' } } } },
      ...(scope ? { scope: { project: scope } } : {}),
    },
  };
}

/* ---- administration (Keystone v3 shapes, as the system admin) ---- */

export async function createProject(t: TestApp, name: string): Promise<string> {
  const res = await t.http('POST', '/v3/projects', {
    body: { project: { name, description: `test project ${name}` } },
  });
  assert.equal(res.status, 201, `create project: ${JSON.stringify(res.body)}`);
  return res.body.project.id;
}

export async function createUser(t: TestApp, name: string, password: string): Promise<string> {
  const res = await t.http('POST', '/v3/users', { body: { user: { name, password } } });
  assert.equal(res.status, 201, `create user: ${JSON.stringify(res.body)}`);
  return res.body.user.id;
}

export async function assignRole(
  t: TestApp,
  projectId: string,
  userId: string,
  role: 'admin' | 'member',
): Promise<void> {
  const res = await t.http('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${role}`);
  assert.equal(res.status, 204, `assign role: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A user with `role` in `projectId`, logged in there. */
export async function member(t: TestApp, name: string, projectId: string, role: 'admin' | 'member' = 'member') {
  const password = `${name}-password-1`;
  const userId = await createUser(t, name, password);
  await assignRole(t, projectId, userId, role);
  const session = await t.login(name, password, { id: projectId });
  return { ...session, name, password };
}

export function ids(list: { instances: { id: string }[] }): string[] {
  return list.instances.map((i) => i.id);
}

export function names(list: { instances: { name: string }[] }): string[] {
  return list.instances.map((i) => i.name);
}
