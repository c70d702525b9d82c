/**
 * @module test/core/request-signing.test
 * The `SDK-HMAC-SHA256` signature against the published test vectors (api-reference §5), and the
 * canonicalisation and header-parsing rules they do not exercise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  parseSdkDate,
  parseSignatureHeader,
  sha256Hex,
  signatureOf,
  signaturesMatch,
  stringToSign,
  UNSIGNED_PAYLOAD,
  type CanonicalInput,
} from '../../src/core/identity/request-signing.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The hashed canonical request and the signature of one vector. */
function sign(input: CanonicalInput, sdkDate: string, secretKey: string): { hashed: string; signature: string } {
  const canonical = canonicalRequest(input);
  assert.ok(canonical !== undefined, 'the vector canonicalises');
  return { hashed: sha256Hex(canonical), signature: signatureOf(secretKey, stringToSign(sdkDate, canonical)) };
}

describe('request signing: published test vectors', () => {
  it('vector 1: GET with a query, three signed headers, empty body', () => {
    const url = new URL(
      'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
    );
    const headers = {
      'content-type': 'application/json',
      host: 'service.region.example.com',
      'x-sdk-date': '20191115T033655Z',
    };
    const header = parseSignatureHeader(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
    assert.deepEqual(header, {
      accessKey: 'QTWAOYTTINDUT2QVKYUC',
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
      signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    });
    const { hashed, signature } = sign(
      {
        method: 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        headers,
        signedHeaders: header.signedHeaders,
        payloadHash: sha256Hex(''),
      },
      '20191115T033655Z',
      'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    );
    assert.equal(hashed, 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
    assert.equal(signature, '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe');
    assert.equal(signaturesMatch(signature, header.signature), true);
  });

  const vector2 = (method: string, body: string): CanonicalInput => ({
    method,
    path: '/resources',
    query: 'size=1',
    headers: { host: 'service.endpoint.myhuaweicloud.com', 'x-sdk-date': '20200608T023900Z' },
    signedHeaders: ['host', 'x-sdk-date'],
    payloadHash: sha256Hex(body),
  });

  it('vector 2: GET with an empty body', () => {
    assert.equal(sha256Hex(''), EMPTY_SHA256);
    const { signature } = sign(vector2('GET', ''), '20200608T023900Z', 'SecretKey');
    assert.equal(signature, 'cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842');
  });

  it('vector 2: POST with a JSON body', () => {
    const { signature } = sign(vector2('POST', '{"name":"test","id":1}'), '20200608T023900Z', 'SecretKey');
    assert.equal(signature, '436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f');
  });
});

describe('request signing: canonical parts', () => {
  it('decodes then strictly encodes each path segment, and ends the URI with a slash', () => {
    assert.equal(canonicalUri('/v1/p/instances'), '/v1/p/instances/');
    assert.equal(canonicalUri('/v1/p/instances/'), '/v1/p/instances/');
    assert.equal(canonicalUri('/a%20b/%44E-1/c~d_e.f/x%2Fy/(!*)'), '/a%20b/DE-1/c~d_e.f/x%2Fy/%28%21%2A%29/');
    assert.equal(canonicalUri('/caf%C3%A9/café'), '/caf%C3%A9/caf%C3%A9/');
    assert.equal(canonicalUri('/bad%zz'), undefined);
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalUri('/v1/p/DE-1_a.b~c'), '/v1/p/DE-1_a.b~c/');
  });

  it('sorts query pairs by key then value, encodes both, reads + as a space', () => {
    assert.equal(canonicalQuery(''), '');
    assert.equal(canonicalQuery('b=2&a=3&a=1&flag'), 'a=1&a=3&b=2&flag=');
    assert.equal(canonicalQuery('name=a%20b&q=x+y&s=%2B'), 'name=a%20b&q=x%20y&s=%2B');
    assert.equal(canonicalQuery('k=%E4%B8%AD&k2=(x)'), 'k=%E4%B8%AD&k2=%28x%29');
    assert.equal(canonicalQuery('k=%'), undefined);
  });

  it('takes trimmed header values, drops default ports from host, and fails on a missing signed header', () => {
    const base = { method: 'get', path: '/', query: '', signedHeaders: ['host', 'x-a'], payloadHash: UNSIGNED_PAYLOAD };
    assert.equal(
      canonicalRequest({ ...base, headers: { host: 'h.example:443', 'x-a': '  v  ' } }),
      'GET\n/\n\nhost:h.example\nx-a:v\n\nhost;x-a\nUNSIGNED-PAYLOAD',
    );
    assert.equal(
      canonicalRequest({ ...base, headers: { host: 'h.example:8443', 'x-a': 'v' } })?.split('\n')[3],
      'host:h.example:8443',
    );
    assert.equal(canonicalRequest({ ...base, headers: { host: 'h.example' } }), undefined);
  });
});

describe('request signing: headers', () => {
  it('rejects malformed Authorization headers', () => {
    const sig = 'a'.repeat(64);
    for (const bad of [
      '',
      `Bearer x`,
      `SDK-HMAC-SHA256Access=AK, SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host`,
      `SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, Access=BK, SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig}, Extra=1`,
      `SDK-HMAC-SHA256 Access=AK SignedHeaders=host Signature=${sig}`,
    ]) {
      assert.equal(parseSignatureHeader(bad), undefined, bad);
    }
  });

  it('compares only well-formed 64-digit hex signatures', () => {
    const good = signatureOf('k', 'text');
    assert.equal(signaturesMatch(good, good.toUpperCase()), true);
    assert.equal(signaturesMatch(good, good.slice(0, 63)), false);
    assert.equal(signaturesMatch(good, `${good.slice(0, 63)}g`), false);
    assert.equal(signaturesMatch(good, signatureOf('k', 'other')), false);
  });

  it('parses X-Sdk-Date strictly', () => {
    assert.equal(parseSdkDate('20191115T033655Z'), Date.UTC(2019, 10, 15, 3, 36, 55));
    assert.equal(formatSdkDate(Date.UTC(2019, 10, 15, 3, 36, 55, 999)), '20191115T033655Z');
    for (const bad of [
      '20191115T033655',
      '2019-11-15T03:36:55Z',
      '20191332T000000Z',
      '20190230T000000Z',
      '20191115T246000Z',
      '20191115T033660Z',
      '00990101T000000Z',
      ' 20191115T033655Z',
    ]) {
      assert.equal(parseSdkDate(bad), undefined, bad);
    }
  });
});
