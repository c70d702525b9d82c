/**
 * `DELETE /v3/auth/tokens` (Keystone's revocation, the console's sign-out where it keeps its token in
 * memory): a user revokes a token of their own, a system admin anyone's; the token then opens
 * nothing. Another user's token, an unknown one or none is refused with a ModelArts error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, member } from '../support/api.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

describe('token revocation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.stop());

  const revoke = (token: string, subject?: string) =>
    t.http('DELETE', '/v3/auth/tokens', {
      token,
      headers: subject === undefined ? {} : { 'x-subject-token': subject },
    });
  const works = async (token: string) =>
    (await t.http('GET', `${t.instances()}?de_type=Notebook`, { token })).status === 200;

  it("revokes the caller's own token: it opens nothing afterwards", async () => {
    const { token } = await t.login('admin', ADMIN_PASSWORD);
    assert.equal(await works(token), true);
    assert.equal((await revoke(token, token)).status, 204);
    assertError(await t.http('GET', `${t.instances()}?de_type=Notebook`, { token }), '0201', 401);
    assertError(await revoke(token, token), '0201', 401, 'a revoked token revokes nothing');
  });

  it("refuses another user's token to a user who is not a system admin; a system admin revokes it", async () => {
    const alice = await member(t, 'alice', t.projectId);
    const bob = await member(t, 'bob', t.projectId);
    assertError(await revoke(alice.token, bob.token), '0108', 403);
    assert.equal(await works(bob.token), true, "bob's token still works");
    assert.equal((await revoke(alice.token, (await t.login('alice', alice.password)).token)).status, 204, 'her own');
    assert.equal((await revoke(t.adminToken, bob.token)).status, 204);
    assert.equal(await works(bob.token), false);
    assert.equal(await works(alice.token), true, 'only the token named is revoked');
  });

  it('refuses a request naming no token, or one that does not exist', async () => {
    assertError(await revoke(t.adminToken), '0201', 401);
    assertError(await revoke(t.adminToken, 'dm1.no-such-token'), '0201', 401);
    assert.equal(await works(t.adminToken), true);
  });
});
