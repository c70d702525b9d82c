/**
 * @module test/api/login-lockout
 * Password login lockout over real HTTP on a manual clock (3 failures lock a name, 8 an address,
 * for 15 minutes): a locked name refuses even the right password with 401 IAM.0005 and
 * `Retry-After`, answering exactly the same for a name that does not exist; the lockout lifts
 * when its time has passed; a success clears the name's count; failures are forgotten after the
 * lockout time; an address that fails on many names is locked for every name; sessions already
 * open go on.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError, createProject, listInstances, member } from '../support/api.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const LOCKOUT_SECONDS = 900;

describe('login lockout', () => {
  const clock = new ManualClock();
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;

  const login = (name: string, password: string, project?: string): Promise<HttpResult> =>
    t.http('POST', '/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'default' } } } },
          ...(project === undefined ? {} : { scope: { project: { name: project } } }),
        },
      },
    });

  async function fail(name: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++)
      assertError(await login(name, `wrong-password-${i}`), 'IAM.0001', 401, `failure ${i + 1} of ${name}`);
  }

  function assertLocked(res: HttpResult, retryAfter: number, context: string): void {
    assertError(res, 'IAM.0005', 401, context);
    assert.equal(res.headers.get('retry-after'), String(retryAfter), `Retry-After, ${context}`);
    assert.equal(res.headers.get('x-subject-token'), null, `no token, ${context}`);
  }

  before(async () => {
    t = await startTestApp({
      start: { clock },
      limits: { loginFailuresPerUser: 3, loginFailuresPerAddress: 8, loginLockoutSeconds: LOCKOUT_SECONDS },
    });
    alice = await member(t, 'alice', t.projectId);
    bob = await member(t, 'bob', t.projectId);
  });
  after(() => t.stop());
  // Every earlier failure and lockout has run out.
  beforeEach(() => clock.advance(LOCKOUT_SECONDS * 1000));

  it('locks a name after 3 failures, the right password included, until the lockout time has passed', async () => {
    await fail('alice', 3);
    assertLocked(await login('alice', alice.password), LOCKOUT_SECONDS, 'right password while locked');
    clock.advance(600_000);
    assertLocked(await login('alice', alice.password), 300, 'ten minutes on');
    // Another name from the same address is not locked.
    assert.equal((await login('bob', bob.password)).status, 201, 'bob');
    clock.advance(300_000);
    assert.equal((await login('alice', alice.password)).status, 201, 'the lockout has lifted');
  });

  it('answers a name that does not exist exactly as one that does', async () => {
    await fail('alice', 3);
    await fail('nobody-here', 3);
    const existing = await login('alice', alice.password);
    const unknown = await login('nobody-here', 'any-password-1');
    assertLocked(existing, LOCKOUT_SECONDS, 'existing user');
    assertLocked(unknown, LOCKOUT_SECONDS, 'unknown user');
    assert.deepEqual(unknown.body, existing.body);
  });

  it('a successful login clears the count', async () => {
    await fail('alice', 2);
    assert.equal((await login('alice', alice.password)).status, 201);
    await fail('alice', 2);
    assert.equal((await login('alice', alice.password)).status, 201, 'four failures, but never three in a row');
  });

  it("counts the right password with a project that does not exist, or is not the user's, as a failure", async () => {
    // It cleared the name's count before the scope was checked: a guesser learnt the password was
    // right from the lockout never coming, whatever the answer said.
    await fail('alice', 2);
    assertError(
      await login('alice', alice.password, 'no-such-project'),
      'IAM.0001',
      401,
      'a project that does not exist',
    );
    assertLocked(await login('alice', alice.password), LOCKOUT_SECONDS, 'the third failure locked the name');
    clock.advance(LOCKOUT_SECONDS * 1000);
    await createProject(t, 'not-alices');
    for (let i = 0; i < 3; i++)
      assertError(
        await login('alice', alice.password, i % 2 ? 'not-alices' : 'no-such-project'),
        'IAM.0001',
        401,
        `scope ${i}`,
      );
    assertLocked(await login('alice', alice.password), LOCKOUT_SECONDS, 'scopes alone lock the name');
  });

  it('forgets failures after the lockout time', async () => {
    await fail('alice', 2);
    clock.advance(LOCKOUT_SECONDS * 1000);
    await fail('alice', 2);
    assert.equal((await login('alice', alice.password)).status, 201);
  });

  it('locks an address that fails on many names, for every name; open sessions go on', async () => {
    for (let i = 0; i < 8; i++) await fail(`guess-${i}`, 1);
    assertLocked(await login('bob', bob.password), LOCKOUT_SECONDS, 'bob, from the locked address');
    assert.equal((await listInstances(t, '', { token: bob.token })).status, 200, "bob's open session");
    // A success does not clear the address's count (one good account must not reset it).
    clock.advance(LOCKOUT_SECONDS * 1000);
    for (let i = 0; i < 7; i++) await fail(`guess-${i}`, 1);
    assert.equal((await login('bob', bob.password)).status, 201);
    await fail('guess-7', 1);
    assertLocked(await login('alice', alice.password), LOCKOUT_SECONDS, 'eighth failure of the address');
  });
});
