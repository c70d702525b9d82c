/**
 * @module core/identity/access-keys
 * Permanent access keys (AK/SK) of users: creating, listing and deleting them (a user their own,
 * a system admin anyone's), and checking a request signed with one (`SDK-HMAC-SHA256`). The
 * secret key is handed out once, at creation; the store keeps it sealed, and it is opened only to
 * recompute a signature.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { checkFreeText } from '../shared/control-characters.js';
import { DomainError } from '../shared/errors.js';
import type { StoredAccessKey } from '../model/identity-types.js';
import {
  canonicalRequest,
  CONTENT_SHA256_HEADER,
  parseSdkDate,
  parseSignatureHeader,
  SDK_DATE_HEADER,
  sha256Hex,
  signatureOf,
  signaturesMatch,
  stringToSign,
  UNSIGNED_PAYLOAD,
  type HeaderValues,
} from './request-signing.js';
import { IDENTITY_CACHE_MS, ReadCache, type Generation } from '../shared/read-cache.js';
import type { SecretBox } from '../secrets/box.js';
import { DuplicateKeyError, type Store } from '../ports/store.js';

/** How far `X-Sdk-Date` may be from this server's clock, either way. */
export const SIGNATURE_WINDOW_MS = 15 * 60_000;
/** `last_used_at` is written at most this often per key, so signed traffic is not a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALPHANUMERIC = `${UPPER_ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz`;

/** An access key as callers see it: everything but the secret. */
export type AccessKey = Omit<StoredAccessKey, 'sealedSecret'>;

export interface CreatedAccessKey {
  key: AccessKey;
  /** The secret key in clear; shown once, never again. */
  secret: string;
}

/** Who manages keys: a user manages their own, a system admin anyone's. */
export interface KeyManager {
  userId: string;
  isSystemAdmin: boolean;
}

/** A request as received, for signature checking. */
export interface SignedRequest {
  method: string;
  /** The path as sent, percent-encoded. */
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  headers: HeaderValues;
  /** The raw body bytes; not needed when the request says `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`. */
  body?: Uint8Array;
}

export interface VerifiedSignature {
  accessKey: string;
  userId: string;
  /** `X-Sdk-Date` as epoch ms. */
  signedAt: number;
}

/** Every signature failure answers the same 401 APIGW.0301; `reason` is for the server log only. */
export class SignatureRejected extends DomainError {
  constructor(readonly reason: string) {
    super('APIGW.0301');
  }
}

function randomString(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function publicView({ sealedSecret: _sealed, ...key }: StoredAccessKey): AccessKey {
  return key;
}

/** Whether the body is part of the signature (it is unless the signer said UNSIGNED-PAYLOAD). */
export function signsPayload(headers: HeaderValues): boolean {
  return headers[CONTENT_SHA256_HEADER] !== UNSIGNED_PAYLOAD;
}

export interface AccessKeyServiceOptions {
  store: Store;
  clock: Clock;
  /** Seals secret keys; its key is for this purpose only. */
  box: SecretBox;
  /** Identity writes through this process's store; given, key lookups are cached. */
  changes?: Generation;
}

export class AccessKeyService {
  /** Keys with their secret opened: a signature is checked on every signed request. */
  readonly #keys: ReadCache<string, { key: StoredAccessKey; secret: string }> | undefined;

  private readonly store: Store;
  private readonly clock: Clock;
  private readonly box: SecretBox;

  constructor({ store, clock, box, changes }: AccessKeyServiceOptions) {
    this.store = store;
    this.clock = clock;
    this.box = box;
    if (changes) this.#keys = new ReadCache(changes, IDENTITY_CACHE_MS);
  }

  async #key(accessKey: string): Promise<{ key: StoredAccessKey; secret: string }> {
    const load = async () => {
      const key = await this.store.identity.getAccessKey(accessKey);
      if (!key) throw new SignatureRejected('unknown access key');
      return { key, secret: this.#secretOf(key.sealedSecret) };
    };
    return this.#keys ? this.#keys.get(accessKey, load) : load();
  }

  async create(manager: KeyManager, input: { userId: string; description?: string }): Promise<CreatedAccessKey> {
    authorize(manager, input.userId);
    checkFreeText(input.description, 'a description');
    if (!(await this.store.identity.getUser(input.userId))) throw new DomainError('IAM.0002', 'user');
    const secret = randomString(ALPHANUMERIC, 40);
    const sealedSecret = this.box.seal(secret);
    // 36^20 keys: a collision is all but impossible, but a retry costs nothing.
    for (let attempt = 0; ; attempt++) {
      const stored: StoredAccessKey = {
        accessKey: randomString(UPPER_ALPHANUMERIC, 20),
        userId: input.userId,
        sealedSecret,
        description: input.description ?? '',
        createdAt: this.clock.now(),
        lastUsedAt: null,
      };
      try {
        await this.store.identity.insertAccessKey(stored);
        return { key: publicView(stored), secret };
      } catch (err) {
        if (!(err instanceof DuplicateKeyError) || attempt >= 2) throw err;
      }
    }
  }

  async list(manager: KeyManager, userId = manager.userId): Promise<AccessKey[]> {
    authorize(manager, userId);
    return (await this.store.identity.listAccessKeys(userId)).map(publicView);
  }

  async get(manager: KeyManager, accessKey: string): Promise<AccessKey> {
    return publicView(await this.#managed(manager, accessKey));
  }

  async delete(manager: KeyManager, accessKey: string): Promise<void> {
    await this.#managed(manager, accessKey);
    if (!(await this.store.identity.deleteAccessKey(accessKey))) throw new DomainError('IAM.0002', 'access key');
  }

  async #managed(manager: KeyManager, accessKey: string): Promise<StoredAccessKey> {
    const key = await this.store.identity.getAccessKey(accessKey);
    if (!key) throw new DomainError('IAM.0002', 'access key');
    authorize(manager, key.userId);
    return key;
  }

  /** A secret this server cannot open (sealed under a master key it was not given) verifies nothing. */
  #secretOf(sealed: string): string {
    try {
      return this.box.open(sealed);
    } catch {
      throw new SignatureRejected("the key's secret cannot be opened with this server's master key");
    }
  }

  /** Checks the request's `SDK-HMAC-SHA256` signature; throws {@link SignatureRejected} otherwise. */
  async verify(request: SignedRequest): Promise<VerifiedSignature> {
    const header = parseSignatureHeader(String(request.headers.authorization ?? ''));
    if (!header) throw new SignatureRejected('malformed Authorization header');
    const sdkDate = request.headers[SDK_DATE_HEADER];
    const signedAt = typeof sdkDate === 'string' ? parseSdkDate(sdkDate) : undefined;
    if (signedAt === undefined) throw new SignatureRejected('missing or malformed X-Sdk-Date');
    const now = this.clock.now();
    if (Math.abs(now - signedAt) > SIGNATURE_WINDOW_MS)
      throw new SignatureRejected('X-Sdk-Date outside the accepted window');
    const { key, secret } = await this.#key(header.accessKey);
    const canonical = canonicalRequest({
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      signedHeaders: header.signedHeaders,
      payloadHash: signsPayload(request.headers) ? sha256Hex(request.body ?? new Uint8Array()) : UNSIGNED_PAYLOAD,
    });
    if (canonical === undefined) throw new SignatureRejected('path, query or a signed header cannot be canonicalised');
    const expected = signatureOf(secret, stringToSign(sdkDate as string, canonical));
    if (!signaturesMatch(expected, header.signature)) throw new SignatureRejected('signature mismatch');
    if (key.lastUsedAt === null || now - key.lastUsedAt >= TOUCH_INTERVAL_MS)
      await this.store.identity.touchAccessKey(key.accessKey, now);
    return { accessKey: key.accessKey, userId: key.userId, signedAt };
  }
}

function authorize(manager: KeyManager, userId: string): void {
  if (manager.userId !== userId && !manager.isSystemAdmin) throw new DomainError('ModelArts.0108');
}
