/**
 * @module bench/support/load
 * The load generator, run as a process of its own so that it never shares an event loop with the
 * server it measures: autocannon (or wrk, bench/support/wrk-load) against one URL, optionally signing every request with an access
 * key (SDK-HMAC-SHA256, fresh `X-Sdk-Date` each time, as an SDK does). Reads a {@link LoadSpec} as
 * JSON from argv and prints a {@link LoadResult} as JSON on stdout.
 */
import autocannon from 'autocannon';
import {
  canonicalRequest,
  formatSdkDate,
  sha256Hex,
  signatureOf,
  SIGNING_ALGORITHM,
  stringToSign,
} from '../../src/core/identity/request-signing.js';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { runWrk } from './wrk-load.js';

const SIGNED_HEADERS = ['host', 'x-sdk-date'];

function signedHeaders(spec: LoadSpec, path: string): Record<string, string> {
  const { id, secret } = spec.accessKey!;
  const url = new URL(path, spec.url);
  const headers = { host: url.host, 'x-sdk-date': formatSdkDate(Date.now()) };
  const canonical = canonicalRequest({
    method: 'GET',
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    signedHeaders: SIGNED_HEADERS,
    payloadHash: sha256Hex(''),
  })!;
  const signature = signatureOf(secret, stringToSign(headers['x-sdk-date'], canonical));
  return {
    ...headers,
    authorization: `${SIGNING_ALGORITHM} Access=${id}, SignedHeaders=${SIGNED_HEADERS.join(';')}, Signature=${signature}`,
  };
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.tool === 'wrk') return runWrk(spec);
  const { pathname, search } = new URL(spec.url);
  const path = pathname + search;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: spec.headers ?? {},
    ...(spec.accessKey
      ? {
          requests: [
            {
              method: 'GET',
              path,
              setupRequest: (request) => ({
                ...request,
                headers: { ...request.headers, ...signedHeaders(spec, path) },
              }),
            },
          ],
        }
      : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

// Run as a script (bench/support/load-turns spawns it): it measures and prints the result.
process.stdout.write(JSON.stringify(await runLoad(JSON.parse(process.argv[2]!) as LoadSpec)) + '\n');
