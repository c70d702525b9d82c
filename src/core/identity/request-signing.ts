/**
 * @module core/identity/request-signing
 * The `SDK-HMAC-SHA256` request signature (Huawei Cloud API Gateway's AK/SK signing): canonical
 * request, string to sign, signature, and the parsing of the `Authorization` and `X-Sdk-Date`
 * headers. Pure functions over strings and bytes; the HTTP edge supplies the request as received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from './passwords.js';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
/** The body hash a signer sends in `X-Sdk-Content-Sha256` to leave the body out of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const SDK_DATE_HEADER = 'x-sdk-date';
export const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';

/** Header values by lower-case name, as Node's `IncomingMessage.headers` holds them. */
export type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface CanonicalInput {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  /** The query string as sent, without the `?`; empty when there is none. */
  query: string;
  headers: HeaderValues;
  /** Lower-case header names, in the order of the `SignedHeaders` list. */
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or {@link UNSIGNED_PAYLOAD}. */
  payloadHash: string;
}

export interface SignatureHeader {
  accessKey: string;
  signedHeaders: string[];
  /** Lower-case hex. */
  signature: string;
}

export { sha256Hex };

/** Percent-encodes every byte but `A-Za-z0-9-_.~` (RFC 3986 unreserved), hex in upper case. */
export function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Undefined when the text holds a malformed escape. */
function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const UNRESERVED_PATH = /^[A-Za-z0-9\-_.~/]*$/;

/** Each segment decoded then strictly encoded, joined by `/`, always ending in `/`. */
export function canonicalUri(path: string): string | undefined {
  // Most paths hold nothing to decode or encode (ids, names): they are their own canonical form.
  if (UNRESERVED_PATH.test(path)) return path.endsWith('/') ? path : `${path}/`;
  const segments = path.split('/').map(decode);
  if (segments.some((s) => s === undefined)) return undefined;
  const uri = (segments as string[]).map(encodeStrict).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/**
 * Pairs sorted by key then value (as decoded, like the SDKs' signers), each strictly encoded as
 * `k=v`, joined by `&`. A `+` reads as a space, as the server's query parser reads it: a signature
 * over `a%2Bb` must not also vouch for `a+b`, which the handler would see as `a b`.
 */
export function canonicalQuery(query: string): string | undefined {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const key = decode((at < 0 ? part : part.slice(0, at)).replace(/\+/g, ' '));
    const value = decode((at < 0 ? '' : part.slice(at + 1)).replace(/\+/g, ' '));
    if (key === undefined || value === undefined) return undefined;
    pairs.push([key, value]);
  }
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeStrict(k)}=${encodeStrict(v)}`).join('&');
}

/** A header's value as signed: trimmed; `host` without a default port. Undefined when absent. */
function headerValue(headers: HeaderValues, name: string): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const value = (typeof raw === 'string' ? raw : raw.join(',')).trim();
  return name === 'host' ? value.replace(/:(80|443)$/, '') : value;
}

/** `name:value\n` for each signed header; undefined when one of them was not sent. */
export function canonicalHeaders(headers: HeaderValues, signedHeaders: readonly string[]): string | undefined {
  let text = '';
  for (const name of signedHeaders) {
    const value = headerValue(headers, name);
    if (value === undefined) return undefined;
    text += `${name}:${value}\n`;
  }
  return text;
}

/** Undefined when the path, query or a signed header cannot be canonicalised. */
export function canonicalRequest(input: CanonicalInput): string | undefined {
  const uri = canonicalUri(input.path);
  const query = canonicalQuery(input.query);
  const headers = canonicalHeaders(input.headers, input.signedHeaders);
  if (uri === undefined || query === undefined || headers === undefined) return undefined;
  return [input.method.toUpperCase(), uri, query, headers, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of the string to sign, keyed with the secret key. */
export function signatureOf(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign).digest('hex');
}

/** Compares a received hex signature with the expected one in time independent of where they differ. */
export function signaturesMatch(expected: string, received: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(received, 'hex'));
}

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>`; undefined when malformed. */
export function parseSignatureHeader(authorization: string): SignatureHeader | undefined {
  if (!authorization.startsWith(`${SIGNING_ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of authorization.slice(SIGNING_ALGORITHM.length).split(',')) {
    const at = part.indexOf('=');
    if (at < 0) return undefined;
    const name = part.slice(0, at).trim();
    if (fields.has(name)) return undefined;
    fields.set(name, part.slice(at + 1).trim());
  }
  const accessKey = fields.get('Access');
  const signedHeaders = fields
    .get('SignedHeaders')
    ?.split(';')
    .map((h) => h.trim().toLowerCase());
  const signature = fields.get('Signature');
  if (!accessKey || !signature || fields.size !== 3 || !signedHeaders || signedHeaders.some((h) => h === ''))
    return undefined;
  if (new Set(signedHeaders).size !== signedHeaders.length) return undefined;
  return { accessKey, signedHeaders, signature: signature.toLowerCase() };
}

/** `YYYYMMDDTHHMMSSZ` (UTC) as epoch ms; undefined unless exactly that form and a real time. */
export function parseSdkDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: a real time is one that reads back the same.
  const at = new Date(ms);
  const same = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
  return same && at.getUTCHours() === hour && at.getUTCMinutes() === minute && at.getUTCSeconds() === second
    ? ms
    : undefined;
}

export function formatSdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
