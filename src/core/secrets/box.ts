/**
 * @module core/secrets/box
 * Seals secrets that must be stored but read back later (repository tokens, SSH keys, access
 * keys' secrets) with AES-256-GCM under a key derived from the server's master key. A sealed value
 * is a string `sealed:v2:<key id>:<base64url iv|tag|ciphertext>`, so it travels inside JSON
 * documents unchanged and says which key sealed it. The key id is a short fingerprint of the key,
 * which reveals nothing of it. Values of the first format, `sealed:v1:<…>`, carry no key id; they
 * still open, by trying each key in turn.
 *
 * A box seals with its current key and opens with the current key or any previous one it was
 * given: that is what lets a master key rotation re-seal values one by one, and be run again after
 * an interruption (see core/secrets/rotation).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Credential } from '../model/instance.js';

const V1 = 'sealed:v1:';
const V2 = 'sealed:v2:';

/** A key for one purpose, derived from the master key, so no two uses share key material. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `demanager ${purpose}`, 32));
}

/** The purposes of the keys that seal stored values, one box each. */
export const SEALING_PURPOSES = { secrets: 'secret-box', accessKeys: 'access-key' } as const;

export type SealingBoxes = Record<keyof typeof SEALING_PURPOSES, SecretBox>;

/** The boxes that seal stored values under `master`, opening also what `previous` master keys sealed. */
export function sealingBoxes(master: Buffer, previous: readonly Buffer[] = []): SealingBoxes {
  const box = (purpose: string) =>
    new SecretBox(
      deriveKey(master, purpose),
      previous.map((key) => deriveKey(key, purpose)),
    );
  return { secrets: box(SEALING_PURPOSES.secrets), accessKeys: box(SEALING_PURPOSES.accessKeys) };
}

function keyId(key: Buffer): string {
  return createHash('sha256').update('demanager key id\0').update(key).digest('hex').slice(0, 12);
}

function decrypt(key: Buffer, raw: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export class SecretBox {
  readonly #key: Buffer;
  readonly #current: string;
  /** Every key this box opens with, by key id; the current one first. */
  readonly #keys: Map<string, Buffer>;

  constructor(key: Buffer, previous: readonly Buffer[] = []) {
    this.#key = key;
    this.#current = keyId(key);
    this.#keys = new Map([key, ...previous].map((k) => [keyId(k), k]));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${V2}${this.#current}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string): string {
    if (sealed.startsWith(V2)) {
      const [id, body = ''] = sealed.slice(V2.length).split(':', 2);
      const key = this.#keys.get(id!);
      if (!key) throw new Error('sealed with a key this server does not have');
      return decrypt(key, Buffer.from(body, 'base64url'));
    }
    if (!sealed.startsWith(V1)) throw new Error('not a sealed value');
    const raw = Buffer.from(sealed.slice(V1.length), 'base64url');
    for (const key of this.#keys.values()) {
      try {
        return decrypt(key, raw);
      } catch {
        // Not this key: the next one may be it.
      }
    }
    throw new Error('sealed with a key this server does not have');
  }

  /** Whether `sealed` is sealed with this box's current key (a v1 value never is: it has no key id). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${V2}${this.#current}:`);
  }

  /** `sealed` as sealed with the current key: itself when it already is, else opened and sealed again. */
  reseal(sealed: string): string {
    return this.isCurrent(sealed) ? sealed : this.seal(this.open(sealed));
  }

  sealCredential(credential: Credential | null | undefined): Credential | null {
    return mapCredential(credential, (plain) => this.seal(plain));
  }

  resealCredential(credential: Credential | null | undefined): Credential | null {
    return mapCredential(credential, (sealed) => this.reseal(sealed));
  }
}

function mapCredential(credential: Credential | null | undefined, map: (value: string) => string): Credential | null {
  if (!credential) return null;
  const mapped: Credential = {};
  if (credential.ssh_private_key) mapped.ssh_private_key = map(credential.ssh_private_key);
  if (credential.access_token) mapped.access_token = map(credential.access_token);
  return mapped;
}
