/**
 * @module api/rate-limits
 * Request throttling for the API, with `@fastify/rate-limit` counting fixed one-minute windows:
 * every request from a client address (before authentication, so floods of bad credentials count
 * too), then every request of one caller — a token, an access key, or an unauthenticated
 * client's address — once authentication has said who it is. Over either limit the answer is
 * 429 APIGW.0308 with `Retry-After`. Registered in the API's context only: health probes, the
 * OpenAPI document and the notebook proxy are outside these limits.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/shared/clock.js';
import { HttpError } from './http-error.js';
import { sha256Hex } from '../core/identity/passwords.js';
import { parseSignatureHeader } from '../core/identity/request-signing.js';
import { tokenOf } from './auth.js';
import { clockRateLimitStore } from './rate-limit-store.js';

export interface RateLimits {
  /** Per caller; 0 turns it off. */
  requestsPerMinute: number;
  /** Per client address; 0 turns it off. */
  requestsPerMinutePerAddress: number;
}

const WINDOW_MS = 60_000;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** The caller's bucket: the access key of a verified signature, the token's hash, or the address (an IPv6 client's /64). */
export function callerKey(request: FastifyRequest): string {
  if (request.principal) {
    const signature = parseSignatureHeader(request.headers.authorization ?? '');
    if (signature) return `ak:${signature.accessKey}`;
    const token = tokenOf(request);
    if (token) return `token:${sha256Hex(token)}`;
  }
  return `address:${normalizeIP(request.ip)}`;
}

function throttle(limiter: Limiter) {
  return async (request: FastifyRequest): Promise<void> => {
    const result = await limiter(request);
    if (!result.isAllowed && result.isExceeded) throw new HttpError('APIGW.0308').retryAfter(result.ttlInSeconds);
  };
}

/** Adds the limits to `app`'s routes (call it in the context whose routes they guard). */
export async function registerRateLimits(app: FastifyInstance, clock: Clock, limits: RateLimits): Promise<void> {
  await app.register(rateLimit, { global: false, store: clockRateLimitStore(clock) });
  if (limits.requestsPerMinutePerAddress > 0) {
    // The plugin's own key: the address, an IPv6 client's /64.
    const perAddress = app.createRateLimit({ max: limits.requestsPerMinutePerAddress, timeWindow: WINDOW_MS });
    app.addHook('onRequest', throttle(perAddress));
  }
  if (limits.requestsPerMinute > 0) {
    const perCaller = app.createRateLimit({
      max: limits.requestsPerMinute,
      timeWindow: WINDOW_MS,
      keyGenerator: callerKey,
    });
    // After the route's authentication (preParsing), before the body is validated or handled.
    app.addHook('preValidation', throttle(perCaller));
  }
}
