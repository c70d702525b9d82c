/**
 * @module test/api/hostile-input
 * Property: whatever a client sends to any route of the server — hostile paths, query strings,
 * headers, credentials and bodies (see test/support/hostile-arbitraries) — the answer is never a
 * 5xx; its body is a ModelArts error or a valid answer; it shows no stack trace, no file path of
 * the server and no SQL; a rejected request changes nothing (instances, users, projects, role
 * assignments, access keys); and `Object.prototype` is never polluted. The routes come from the
 * running app's route table, so a new route is covered without touching this file. Runs as a
 * project member and as the system admin, with tokens, AK/SK signatures and garbage credentials.
 *
 * Reproduce a failure with `HOSTILE_SEED=<seed>` (printed with the counterexample); `HOSTILE_ROUTE=<part
 * of a route pattern>` runs only the routes matching it, `HOSTILE_RUNS=<n>` sets the runs per route.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  canonicalRequest,
  formatSdkDate,
  sha256Hex,
  signatureOf,
  stringToSign,
} from '../../src/core/identity/request-signing.js';
import { create, member, snapshot, waitStatus } from '../support/api.js';
import {
  contentType,
  headerValue,
  hostileBody,
  hostileQuery,
  hostileSegment,
  pathMangle,
  type HostileBody,
} from '../support/hostile-arbitraries.js';
import { rawClient, routesOf, type RawRequest, type RawResponse, type RouteInfo } from '../support/raw-http.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';

const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : Date.now() % 2 ** 31;
const RUNS_PER_ROUTE = Number(process.env.HOSTILE_RUNS ?? 40);
const ODD_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO'];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ADMIN_API = /^\/v3\/(users|projects|roles|role_assignments)/;

/** What must never appear in an answer unless the request itself carried it. */
const LEAKS: RegExp[] = [
  /\n\s+at \S/, // a stack frame
  /\bat [\w.<>$]+ \([^)]*:\d+:\d+\)/,
  /\/work\/[\w.-]+\/(?:src|test|node_modules)\b/,
  /\/src\/(?:api|core|store|runtime|proxy|cli|client)\b/,
  /node_modules/,
  /\.ts:\d*/,
  /\.js:\d+:\d+/,
  /\bselect\b[^"]{0,80}\bfrom\b/i,
  /\binsert into\b/i,
  /\bdelete from\b/i,
  /\bupdate\b \S+ \bset\b/i,
  /sqlite/i,
  /\bsyntax error\b/i,
  /\bconstraint\b/i,
  /\brelation "/i,
  /\bkysely\b/i,
];

type Role = 'member' | 'admin';
interface Session {
  token: string;
  key: { access: string; secret: string };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

describe('property: hostile input at every route', () => {
  let t: TestApp;
  let client: ReturnType<typeof rawClient>;
  let host = '';
  let routes: RouteInfo[] = [];
  const instanceIds: string[] = [];
  const sessions = {} as Record<Role, Session>;
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();

  /** Where the server's code and data live: none of it may show. */
  const SERVER_DIRS: string[] = [];

  async function accessKey(token: string, userId: string) {
    const res = await t.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
      token,
      body: { credential: { user_id: userId } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { access: res.body.credential.access as string, secret: res.body.credential.secret as string };
  }

  before(async () => {
    // Each run snapshots the whole state around every request, thousands of calls a minute on one
    // token: throttling would answer them, not the handlers under test (limits have their own tests).
    t = await startTestApp({
      limits: {
        requestsPerMinute: 0,
        requestsPerMinutePerAddress: 0,
        loginFailuresPerUser: 0,
        loginFailuresPerAddress: 0,
      },
    });
    SERVER_DIRS.push(
      process.cwd(),
      realpathSync(process.cwd()),
      fileURLToPath(new URL('../..', import.meta.url)),
      t.dataDir,
    );
    host = new URL(t.url).host;
    client = rawClient(t.url);
    routes = routesOf(t.app.server);
    const m = await member(t, 'hostile-member', t.projectId);
    const adminId = (await t.http('GET', '/v3/auth/tokens')).body.token.user.id as string;
    sessions.member = { token: m.token, key: await accessKey(m.token, m.userId) };
    sessions.admin = { token: t.adminToken, key: await accessKey(t.adminToken, adminId) };
    const running = (await create(t, createBody('hostile-running'))).id as string;
    const stopped = (await create(t, createBody('hostile-stopped'), { token: m.token })).id as string;
    await waitStatus(t, running, 'RUNNING');
    await waitStatus(t, stopped, 'RUNNING');
    await t.http('POST', `${t.instances()}/${stopped}/action`, { body: { action: 'stop' } });
    await waitStatus(t, stopped, 'STOPPED');
    instanceIds.push(running, stopped);
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  /** The project's instances (list and every detail), users, projects, role assignments and access keys. */
  async function state(): Promise<unknown> {
    const identity: Record<string, unknown> = {};
    for (const path of ['/v3/users', '/v3/projects', '/v3/role_assignments', '/v3.0/OS-CREDENTIAL/credentials']) {
      const res = await t.http('GET', path);
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      // When a key last signed a request is bookkeeping, not state a rejection must keep.
      identity[path] = JSON.parse(JSON.stringify(res.body), (k, v) => (k === 'last_use_time' ? undefined : v));
    }
    return { instances: await snapshot(t), identity };
  }

  /** After an accepted change, waits until the instances stop moving (two equal readings, nothing transitional). */
  async function settled(): Promise<void> {
    let last = JSON.stringify(await state());
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const now = JSON.stringify(await state());
      if (
        now === last &&
        !/"status":"(CREATING|STARTING|STOPPING|RESTARTING|DELETING|RESIZING|READY_TO_START)"/.test(now)
      )
        return;
      last = now;
    }
    throw new Error('the instances never settled after an accepted request');
  }

  const paramValue = (name: string) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          name === 'project_id' ? t.projectId : name === 'instance_id' ? instanceIds[0]! : 'x',
          name === 'instance_id' ? instanceIds[1]! : t.projectId,
        ),
      },
      { weight: 1, arbitrary: hostileSegment },
    );

  function pathArb(route: RouteInfo): fc.Arbitrary<string> {
    const parts = route.path.split(/(:\w+|\*)/).filter((p) => p !== '');
    const pieces = parts.map((part) => {
      if (part === '*') return fc.array(hostileSegment, { maxLength: 4 }).map((segments) => segments.join('/'));
      if (part.startsWith(':')) return paramValue(part.slice(1));
      return fc.constant(part);
    });
    return fc.tuple(fc.tuple(...pieces), pathMangle).map(([values, mangle]) => mangle(values.join('')));
  }

  type Auth =
    | { kind: 'token' | 'bearer' | 'signed'; role: Role }
    | { kind: 'none' }
    | { kind: 'garbage'; headers: Record<string, string> };
  const garbageAuth = fc
    .oneof<fc.Arbitrary<Record<string, string>>[]>(
      headerValue.map((v) => ({ 'x-auth-token': v })),
      headerValue.map((v) => ({ authorization: v })),
      headerValue.map((v) => ({ authorization: `Bearer ${v}` })),
      fc.constantFrom<Record<string, string>>(
        { authorization: 'Bearer' },
        { authorization: 'Basic YWRtaW46YWRtaW4=' },
        { authorization: 'SDK-HMAC-SHA256' },
        { 'x-auth-token': '' },
      ),
      fc.tuple(headerValue, headerValue, headerValue).map(([a, s, d]) => ({
        authorization: `SDK-HMAC-SHA256 Access=${a}, SignedHeaders=${s}, Signature=${a}${s}`,
        'x-sdk-date': d,
      })),
      fc
        .tuple(
          fc.constantFrom<Role>('member', 'admin'),
          fc.stringMatching(/^[0-9a-f]{64}$/),
          fc.constantFrom('host;x-sdk-date', 'x-sdk-date', '', 'host;;x-sdk-date;' + 'a;'.repeat(500)),
          fc.oneof(headerValue, fc.constant(formatSdkDate(Date.now()))),
        )
        .map(([role, sig, signed, date]) => ({
          authorization: `SDK-HMAC-SHA256 Access=${sessions[role].key.access}, SignedHeaders=${signed}, Signature=${sig}`,
          'x-sdk-date': date,
        })),
    )
    .map((headers): Auth => ({ kind: 'garbage', headers }));
  const roleArb = fc.constantFrom<Role>('member', 'admin');
  const authArb: fc.Arbitrary<Auth> = fc.oneof(
    { weight: 4, arbitrary: roleArb.map((role): Auth => ({ kind: 'token', role })) },
    { weight: 1, arbitrary: roleArb.map((role): Auth => ({ kind: 'bearer', role })) },
    { weight: 2, arbitrary: roleArb.map((role): Auth => ({ kind: 'signed', role })) },
    { weight: 2, arbitrary: garbageAuth },
    { weight: 1, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
  );
  const extraHeaders = fc.record(
    {
      'x-project-id': headerValue,
      'x-sdk-content-sha256': fc.constantFrom('UNSIGNED-PAYLOAD', 'unsigned-payload'),
      accept: headerValue,
      cookie: headerValue,
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
      'x-forwarded-host': headerValue,
    },
    { requiredKeys: [] },
  );

  /** Sets the credential headers; a signed request is signed over exactly what is sent. */
  function authorize(request: RawRequest, auth: Auth): void {
    if (auth.kind === 'none') return;
    if (auth.kind === 'garbage') return void Object.assign(request.headers, auth.headers);
    const session = sessions[auth.role];
    if (auth.kind === 'token') request.headers['x-auth-token'] = session.token;
    if (auth.kind === 'bearer') request.headers.authorization = `Bearer ${session.token}`;
    if (auth.kind !== 'signed') return;
    const date = formatSdkDate(Date.now());
    request.headers['x-sdk-date'] = date;
    request.headers.host = host;
    const at = request.target.indexOf('?');
    const payloadHash =
      request.headers['x-sdk-content-sha256'] === 'UNSIGNED-PAYLOAD'
        ? 'UNSIGNED-PAYLOAD'
        : sha256Hex(request.body ?? Buffer.alloc(0));
    const canonical = canonicalRequest({
      method: request.method,
      path: at < 0 ? request.target : request.target.slice(0, at),
      query: at < 0 ? '' : request.target.slice(at + 1),
      headers: request.headers,
      signedHeaders: ['host', 'x-sdk-date'],
      payloadHash,
    });
    const signature = canonical ? signatureOf(session.key.secret, stringToSign(date, canonical)) : '0'.repeat(64);
    request.headers.authorization = `SDK-HMAC-SHA256 Access=${session.key.access}, SignedHeaders=host;x-sdk-date, Signature=${signature}`;
  }

  type Generated = typeof requestArb extends (route: RouteInfo) => fc.Arbitrary<infer T> ? T : never;
  function requestArb(route: RouteInfo) {
    return fc.record({
      method: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...route.methods) },
        { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
      ),
      path: pathArb(route),
      query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hostileQuery }),
      auth: authArb,
      body: hostileBody,
      contentType: fc.option(contentType, { freq: 6 }),
      extra: fc.option(extraHeaders, { freq: 2 }),
    });
  }

  function checkAnswer(request: RawRequest, body: HostileBody, res: RawResponse, role: Role | undefined): void {
    const where = `${request.method} ${request.target.slice(0, 300)} [${body.label.slice(0, 300)}] ${JSON.stringify(request.headers).slice(0, 400)} → ${res.status} ${res.text.slice(0, 500)}`;
    assert.ok(res.status >= 200 && res.status < 500, `never a 5xx (nor a non-HTTP answer): ${where}`);
    const sent =
      `${request.method} ${request.target} ${safeDecode(request.target)} ${JSON.stringify(request.headers)} ${body.bytes?.toString('latin1') ?? ''}`.toLowerCase();
    const shown = `${res.text}\n${JSON.stringify(res.headers)}`;
    for (const pattern of [
      ...LEAKS,
      ...SERVER_DIRS.map((dir) => new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
    ]) {
      const found = pattern.exec(shown);
      assert.ok(!found || sent.includes(found[0].toLowerCase()), `leaks ${JSON.stringify(found?.[0])}: ${where}`);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (request.method === 'HEAD' || res.status === 204) {
      assert.equal(res.text, '', `no body: ${where}`);
    } else if (/^application\/json/.test(type)) {
      const json = JSON.parse(res.text);
      if (res.status >= 400) {
        assert.match(String(json.error_code), /^[A-Za-z]+\.\d{4}$/, `error_code: ${where}`);
        assert.ok(typeof json.error_msg === 'string' && json.error_msg.length > 0, `error_msg: ${where}`);
        assert.equal(json.error_message, json.error_msg, `error_message: ${where}`);
      } else {
        assert.ok(json !== null && typeof json === 'object', `a JSON object: ${where}`);
      }
    } else if (/^text\/event-stream/.test(type) && res.status === 200) {
      // The instance change stream, granted to a caller of the project: it opens with `ready` (a
      // `last_event_id` in the query may add a reset, or what changed since).
      assert.match(
        request.target,
        /^\/v1\/[^/?]+\/demanager\/instance-changes/,
        `an event stream from its route only: ${where}`,
      );
      assert.match(
        res.text,
        /^retry: \d+\n\nevent: ready\nid: \d+\ndata: \{"project_id":"[^"]+","resumed":(true|false)\}\n\n(event: (reset|instance|instance-deleted)\nid: \d+\ndata: [^\n]+\n\n)*$/,
        `the stream's opening: ${where}`,
      );
    } else if (request.target.startsWith('/console') && res.status < 400) {
      // The web console's built files: the page and its hashed assets, or a 304 for a known tag.
      assert.ok(
        res.status === 304 || /^(text\/(html|javascript|css)|image\/svg\+xml)/.test(type),
        `a console file: ${where}`,
      );
      assert.ok(res.headers['content-security-policy'], `the console's policy: ${where}`);
    } else if (request.target.split('?')[0] === '/metrics' && res.status === 200) {
      // The Prometheus exposition, granted to a system admin: text by its own format.
      assert.match(type, /^text\/plain; version=0\.0\.4/, `Prometheus text: ${where}`);
    } else {
      // Only the notebook proxy answers otherwise: its access-denied page.
      assert.ok(
        request.target.startsWith('/notebook/') && res.status >= 400 && /^text\/html/.test(type),
        `JSON answer expected: ${where}`,
      );
    }
    if (role === 'member' && ADMIN_API.test(request.target))
      assert.ok(res.status >= 400, `a member used the administration API: ${where}`);
  }

  /** Sends one generated request and checks everything the module comment promises. */
  async function probe(r: Generated): Promise<void> {
    const request: RawRequest = {
      method: r.method,
      target: r.path + r.query,
      headers: {},
      ...(r.body.bytes ? { body: r.body.bytes } : {}),
    };
    if (r.contentType !== null) request.headers['content-type'] = r.contentType;
    if (r.extra) Object.assign(request.headers, r.extra);
    authorize(request, r.auth);
    const before = await state();
    const res = await client.send(request);
    checkAnswer(request, r.body, res, 'role' in r.auth ? r.auth.role : undefined);
    assert.equal(
      Object.getOwnPropertyNames(Object.prototype).sort().join(),
      prototypeBefore,
      'Object.prototype was polluted',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    if (res.status >= 400) {
      assert.deepEqual(
        await state(),
        before,
        `a rejected request changed something: ${request.method} ${request.target.slice(0, 200)} → ${res.text.slice(0, 300)}`,
      );
    } else if (MUTATING.has(request.method)) {
      await settled();
    }
  }

  it('enumerates the routes from the app, the documented ones among them', async () => {
    const doc = (await t.http('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
    const served = new Set(routes.map((r) => r.path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')));
    for (const path of Object.keys(doc.paths)) {
      const loose = path.replace(/\{\w+\}/g, '{}');
      assert.ok(
        [...served].some((s) => s.replace(/\{\w+\}/g, '{}').replace('{*}', '{}') === loose.replace('{*}', '{}')),
        `${path} is in the route table`,
      );
    }
    assert.ok(routes.length >= 20, JSON.stringify(routes));
  });

  // The routes are known only once the app runs: one subtest per route, made then.
  it('every route: no 5xx, no leak, a proper body, no change from a rejected request', async (context) => {
    for (const route of routes.filter((r) => r.path.includes(process.env.HOSTILE_ROUTE ?? ''))) {
      await context.test(`${route.methods.join(',')} ${route.path}`, async () => {
        try {
          await fc.assert(fc.asyncProperty(requestArb(route), probe), { numRuns: RUNS_PER_ROUTE, seed: SEED });
        } catch (err) {
          const cause = (err as Error).cause instanceof Error ? `\n${((err as Error).cause as Error).message}` : '';
          (err as Error).message = `${(err as Error).message}${cause}\nReplay with HOSTILE_SEED=${SEED}`;
          throw err;
        }
      });
    }
  });
});
