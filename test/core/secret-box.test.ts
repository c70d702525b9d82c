import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveKey, SecretBox } from '../../src/core/secret-box.js';

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
    const body = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64url');
    body[body.length - 1]! ^= 1;
    assert.throws(() => box.open('sealed:v1:' + body.toString('base64url')));
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
});
