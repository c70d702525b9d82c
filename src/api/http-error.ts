/**
 * @module api/http-error
 * The codes only the HTTP edge answers with — a malformed or oversized request, an unknown route,
 * throttling, a store that cannot be used — with their status and message template, and the
 * {@link HttpError} the edge throws for them. The domain never sees these.
 */
import { formatMessage } from '../core/shared/errors.js';

const entries = {
  /* Huawei's API gateway answers this when a throttling policy is exceeded. */
  'APIGW.0308': [429, 'The throttling threshold has been reached.'],
  /* Routing and transport errors, so unknown paths and methods still get a JSON body. */
  'ModelArts.0404': [404, 'The requested resource {} does not exist.'],
  'ModelArts.0405': [405, 'The method {} is not allowed on {}.'],
  'ModelArts.0408': [408, 'The request did not arrive in time.'],
  'ModelArts.0413': [413, 'The request body is too large.'],
  'ModelArts.0415': [415, 'The content type {} is not supported; send application/json.'],
  'ModelArts.0431': [431, 'The request headers are too large.'],
  'ModelArts.0400': [400, 'The request is malformed or its body is not valid JSON.'],
  /* The store refuses writes or cannot be reached (a full disk, a read-only database, a dropped
     connection). */
  'ModelArts.0503': [503, 'The service cannot use its database right now ({}). Try again later.'],
} as const satisfies Record<string, readonly [number, string]>;

export type TransportCode = keyof typeof entries;

/** A failure of the request itself, not of what it asks for; sent with its own status. */
export class HttpError extends Error {
  readonly code: TransportCode;
  readonly status: number;
  /** Seconds until a throttled request may succeed; sent as `Retry-After`. */
  retryAfterSeconds: number | undefined;

  constructor(code: TransportCode, ...args: (string | number)[]) {
    const [status, template] = entries[code];
    super(formatMessage(template, args));
    this.name = 'HttpError';
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = undefined;
  }

  /** The same error, telling the caller when to retry. */
  retryAfter(seconds: number): this {
    this.retryAfterSeconds = retryAfterHeaderSeconds(seconds);
    return this;
  }
}

/** `Retry-After` is whole seconds, and never 0: a client told 0 would retry at once. */
export function retryAfterHeaderSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}
