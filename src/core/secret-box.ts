/**
 * @module core/secret-box
 * Seals secrets that must be stored but read back later (repository tokens, SSH keys) with
 * AES-256-GCM under a key derived from the server's master key. A sealed value is a string
 * `sealed:v1:<base64url iv|tag|ciphertext>`, so it travels inside JSON documents unchanged.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Credential } from './instance.js';

const PREFIX = 'sealed:v1:';

/** A key for one purpose, derived from the master key, so no two uses share key material. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `demanager ${purpose}`, 32));
}

export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  sealCredential(credential: Credential | null | undefined): Credential | null {
    if (!credential) return null;
    const sealed: Credential = {};
    if (credential.ssh_private_key) sealed.ssh_private_key = this.seal(credential.ssh_private_key);
    if (credential.access_token) sealed.access_token = this.seal(credential.access_token);
    return sealed;
  }
}
