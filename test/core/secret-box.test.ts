import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveKey, SecretBox, sealingBoxes } from '../../src/core/secrets/box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and never seals the same value to the same text', () => {
    const a = box.seal('ghp_secret-token');
    const b = box.seal('ghp_secret-token');
    assert.notEqual(a, b);
    assert.ok(!a.includes('ghp_secret-token'));
    assert.equal(box.open(a), 'ghp_secret-token');
    assert.equal(box.open(b), 'ghp_secret-token');
  });

  it('refuses a tampered value and a value sealed under another key', () => {
    const sealed = box.seal('-----BEGIN OPENSSH PRIVATE KEY-----');
    const [prefix, body] = [
      sealed.slice(0, sealed.lastIndexOf(':') + 1),
      Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64url'),
    ];
    body[body.length - 1]! ^= 1;
    assert.throws(() => box.open(prefix + body.toString('base64url')));
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed));
    assert.throws(() => box.open('plain text'), /not a sealed value/);
  });

  it('seals each credential field that is set and leaves the others out', () => {
    const sealed = box.sealCredential({ access_token: 'tok' })!;
    assert.deepEqual(Object.keys(sealed), ['access_token']);
    assert.equal(box.open(sealed.access_token!), 'tok');
    assert.equal(box.sealCredential(null), null);
  });

  it('derives different keys for different purposes from one master key', () => {
    const master = randomBytes(32);
    assert.notDeepEqual(deriveKey(master, 'secret-box'), deriveKey(master, 'instance-token'));
    assert.deepEqual(deriveKey(master, 'secret-box'), deriveKey(master, 'secret-box'));
  });

  it('names the sealing key in the value: sealed:v2:<key id>:…, the id the same for the same key', () => {
    const key = randomBytes(32);
    const [a, b] = [new SecretBox(key).seal('x'), new SecretBox(key).seal('y')];
    const id = /^sealed:v2:([0-9a-f]{12}):[A-Za-z0-9_-]+$/.exec(a)?.[1];
    assert.ok(id, a);
    assert.ok(b.startsWith(`sealed:v2:${id}:`));
    assert.ok(!new SecretBox(randomBytes(32)).seal('x').startsWith(`sealed:v2:${id}:`));
    assert.throws(() => new SecretBox(randomBytes(32)).open(a), /a key this server does not have/);
  });

  it('opens with a previous key and re-seals with the current one; a current value is left as it is', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const sealedOld = new SecretBox(oldKey).seal('ghp_old');
    const ring = new SecretBox(newKey, [oldKey]);
    assert.equal(ring.open(sealedOld), 'ghp_old');
    assert.equal(ring.isCurrent(sealedOld), false);
    const resealed = ring.reseal(sealedOld);
    assert.ok(ring.isCurrent(resealed));
    assert.equal(ring.reseal(resealed), resealed);
    assert.equal(new SecretBox(newKey).open(resealed), 'ghp_old');
    assert.throws(() => new SecretBox(oldKey).open(resealed));
  });

  it('still opens values of the first format (sealed:v1:, no key id) with any of its keys', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', oldKey, iv);
    const body = Buffer.concat([cipher.update('legacy', 'utf8'), cipher.final()]);
    const v1 = 'sealed:v1:' + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    assert.equal(new SecretBox(oldKey).open(v1), 'legacy');
    const ring = new SecretBox(newKey, [oldKey]);
    assert.equal(ring.open(v1), 'legacy');
    assert.equal(ring.isCurrent(v1), false);
    assert.ok(ring.isCurrent(ring.reseal(v1)));
    assert.throws(() => new SecretBox(newKey).open(v1), /a key this server does not have/);
  });

  it('sealingBoxes: one box per purpose, each opening what the previous master key sealed', () => {
    const [oldMaster, newMaster] = [randomBytes(32), randomBytes(32)];
    const before = sealingBoxes(oldMaster);
    const after = sealingBoxes(newMaster, [oldMaster]);
    assert.equal(after.secrets.open(before.secrets.seal('s')), 's');
    assert.equal(after.accessKeys.open(before.accessKeys.seal('a')), 'a');
    assert.throws(() => after.secrets.open(before.accessKeys.seal('a')));
  });
});
