/**
 * @module test/support/signed-request
 * A GET signed with an access key (`SDK-HMAC-SHA256`, headers `host` and `x-sdk-date`), as an SDK
 * signs it: answers the HTTP status, so a test can tell a key whose secret the server opened (not
 * 401) from one it could not.
 */
import {
  canonicalRequest,
  formatSdkDate,
  sha256Hex,
  signatureOf,
  stringToSign,
  SIGNING_ALGORITHM,
} from '../../src/core/identity/request-signing.js';

export interface SigningKey {
  access: string;
  secret: string;
}

/** The headers that sign a GET of `target` (a path with an optional query) at the server at `url`. */
export function signingHeaders(url: string, target: string, key: SigningKey): Record<string, string> {
  const [path = '', query = ''] = target.split('?');
  const date = formatSdkDate(Date.now());
  const canonical = canonicalRequest({
    method: 'GET',
    path,
    query,
    headers: { host: new URL(url).host, 'x-sdk-date': date },
    signedHeaders: ['host', 'x-sdk-date'],
    payloadHash: sha256Hex(''),
  })!;
  const signature = signatureOf(key.secret, stringToSign(date, canonical));
  return {
    'X-Sdk-Date': date,
    Authorization: `${SIGNING_ALGORITHM} Access=${key.access}, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
  };
}

/** `target` is a path with an optional query, sent to the server at `url`. */
export async function signedGet(url: string, target: string, key: SigningKey): Promise<number> {
  const res = await fetch(url + target, { headers: signingHeaders(url, target, key) });
  await res.arrayBuffer();
  return res.status;
}
