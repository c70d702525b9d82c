/**
 * @module test/support/test-app
 * Starts the real service on a loopback port with a fresh data directory, and gives tests a small
 * HTTP helper and logged-in tokens. Everything goes over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp, type StartOptions } from '../../src/server/app.js';
import { resolveConfig, type ConfigOptions } from '../../src/server/config.js';
import { dropTestDatabase, testStoreOptions } from './test-store.js';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApp {
  app: RunningApp;
  url: string;
  dataDir: string;
  projectId: string;
  adminToken: string;
  /** Sends JSON (when `body` is given) with the token, answers the parsed body. */
  http<T = any>(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  login(
    user: string,
    password: string,
    project?: { id?: string; name?: string },
  ): Promise<{ token: string; projectId: string; userId: string }>;
  /** Path of the project's instances collection. */
  instances(projectId?: string): string;
  /** Stops the server; keeps the data directory unless `remove` is true. */
  stop(remove?: boolean): Promise<void>;
}

export async function startTestApp(
  options: ConfigOptions & { start?: StartOptions; dataDir?: string } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'demanager-test-'));
  const { start, ...configOptions } = options;
  const storeOptions = configOptions.databaseUrl ? {} : await testStoreOptions(dataDir);
  const config = resolveConfig({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...configOptions,
    ...storeOptions,
    dataDir,
    bootstrap: { adminPassword: ADMIN_PASSWORD, ...configOptions.bootstrap },
    runtime: {
      driver: 'simulated',
      pollIntervalSeconds: 0,
      ...configOptions.runtime,
      simulated: { delays: { prepare: 5, start: 10, stop: 5, remove: 5 }, ...configOptions.runtime?.simulated },
    },
  });
  const app = await startApp(config, { logger: pino({ level: 'silent' }), ...start });
  const url = app.url;

  async function http<T>(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? adminToken : opts.token;
    if (token) headers['X-Auth-Token'] = token;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url + path, {
      method,
      headers,
      ...(opts.body !== undefined
        ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
        : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  async function login(user: string, password: string, project?: { id?: string; name?: string }) {
    const result = await http<any>('POST', '/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, password, domain: { name: 'default' } } },
          },
          ...(project ? { scope: { project } } : {}),
        },
      },
    });
    if (result.status !== 201) throw new Error(`login failed: ${result.status} ${JSON.stringify(result.body)}`);
    return {
      token: result.headers.get('x-subject-token')!,
      projectId: result.body.token.project.id,
      userId: result.body.token.user.id,
    };
  }

  let adminToken = '';
  const admin = await login('admin', ADMIN_PASSWORD);
  adminToken = admin.token;

  return {
    app,
    url,
    dataDir,
    projectId: admin.projectId,
    adminToken,
    http,
    login,
    instances: (projectId = admin.projectId) => `/v1/${projectId}/demanager/instances`,
    async stop(remove = true) {
      await app.close();
      if (remove) {
        await dropTestDatabase(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The create body of the public API's sample, with a name of the caller's choice. */
export function createBody(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    description: '',
    profile_id: 'Multi-Engine 1.0 (python3)-gpu',
    flavor: 'modelarts.bm.gpu.v100NV32',
    spec: {
      storage: { type: 'obs', location: { path: '/bucket/work/' } },
      auto_stop: { enable: true, duration: 3600, prompt: true },
    },
    workspace: { id: '0' },
    ...overrides,
  };
}

/** {@link createBody} with its obs storage at `path` (`/bucket/dir/`): a bucket belongs to one project. */
export function createBodyAt(name: string, path: string) {
  const body = createBody(name);
  return { ...body, spec: { ...body.spec, storage: { type: 'obs', location: { path } } } };
}

/** Simulated phases that take no time: each transition settles as soon as the reconciler runs. */
export const INSTANT_PHASES = { prepare: 0, start: 0, stop: 0, remove: 0 };

export { cpuBody } from './cpu-request.js';

/** Polls GET detail until the status is one of `statuses` (fails after ~10 s). */
export async function waitForStatus(t: TestApp, id: string, statuses: string[], token?: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const res = await t.http('GET', `${t.instances()}/${id}`, token ? { token } : {});
    if (res.status === 200 && statuses.includes(res.body.status)) return res.body;
    if (res.status !== 200 && statuses.includes('GONE')) return { status: 'GONE', error: res.body };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`instance ${id} never reached ${statuses.join('|')}`);
}
