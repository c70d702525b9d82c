/**
 * @module test/support/child-server
 * Runs `demanager serve` as a child process (the real CLI entry point) so a test can kill it
 * with SIGKILL mid-transition, as a crash or power loss would, and then inspect what a new server
 * makes of the data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigOptions } from '../../src/server/config.js';
import { ADMIN_PASSWORD, type HttpResult } from './test-app.js';
import { testStoreOptions } from './test-store.js';

const BIN = fileURLToPath(new URL('../../bin/demanager.js', import.meta.url));

export interface ChildServer {
  url: string;
  process: ChildProcess;
  token: string;
  projectId: string;
  /** The bootstrapped admin's id (whose OS account the server makes when it runs as root). */
  userId: string;
  http<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
  /** Everything the server wrote to stdout and stderr so far (its log lines included). */
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful shutdown: leases handed back), then wait for the exit. */
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  /**
   * Keep everything the server writes for {@link ChildServer.output} (default). A benchmark turns
   * it off once the server listens, or once a pattern has appeared (a log line it waits for): the
   * request log of a load run would grow without bound in this process.
   */
  keepOutput?: boolean | RegExp;
  /** The entry point to run instead of this checkout's: another build, a benchmark's baseline. */
  bin?: string;
}

export async function startChildServer(
  dataDir: string,
  options: ConfigOptions = {},
  harness: ChildServerOptions = {},
): Promise<ChildServer> {
  const configFile = join(dataDir, 'child-config.json');
  const storeOptions = options.databaseUrl ? {} : await testStoreOptions(dataDir);
  const config: ConfigOptions = {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'info',
    ...options,
    runtime: { driver: 'simulated', ...options.runtime },
    ...storeOptions,
    // A key the caller gives wins over the test store's.
    ...(options.masterKey ? { masterKey: options.masterKey } : {}),
    dataDir,
    bootstrap: { adminPassword: ADMIN_PASSWORD, ...options.bootstrap },
  };
  writeFileSync(configFile, JSON.stringify(config));
  // Only the config file speaks: no DEMANAGER_* variable of the caller's environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DEMANAGER_')));
  const child = spawn(process.execPath, [harness.bin ?? BIN, 'serve', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the error: a server that never said it listens may still start notebooks.
      child.kill('SIGKILL');
      reject(new Error(`the child server did not start:\n${output}`));
    }, 30_000);
    let listening = false;
    const keep = harness.keepOutput ?? true;
    const onData = (chunk: Buffer) => {
      if (listening && (keep === false || (keep instanceof RegExp && keep.test(output)))) return;
      output += chunk.toString();
      const match = listening ? null : /listening at (http:\/\/[^\s"]+)/i.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child server exited (${code}):\n${output}`));
    });
  });

  async function http<T>(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult<T>> {
    const headers: Record<string, string> = {};
    if (token) headers['X-Auth-Token'] = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  const login = await http<any>('POST', '/v3/auth/tokens', {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', password: ADMIN_PASSWORD, domain: { name: 'default' } } },
      },
    },
  });
  if (login.status !== 201) throw new Error(`child login failed: ${JSON.stringify(login.body)}`);
  const token = login.headers.get('x-subject-token')!;

  return {
    url,
    process: child,
    token,
    projectId: login.body.token.project.id,
    userId: login.body.token.user.id,
    http: (method, path, body) => http(method, path, body, token),
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
