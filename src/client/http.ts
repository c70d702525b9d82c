/**
 * @module client/http
 * One JSON request over the global `fetch`: the token header, the query string, the timeout, and
 * the translation of every failure into the client's errors. Knows nothing about endpoints.
 */
import { DemanagerApiError, DemanagerNetworkError, DemanagerResponseError } from './errors.js';
import { VERSION } from '../core/shared/release.js';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  token?: string | undefined;
  /** Sent besides the client's own (`X-Subject-Token`, for one). */
  headers?: Readonly<Record<string, string>> | undefined;
  query?: Readonly<Record<string, QueryValue>> | undefined;
  body?: unknown;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Sent as `User-Agent`. */
  userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** `base` without trailing slashes; `path` is appended as is. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

function withQuery(url: string, query: RequestOptions['query']): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

/** `fetch failed` says nothing; the useful reason (ECONNREFUSED, ENOTFOUND…) is deepest in the causes. */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'the request timed out';
  let reason = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    // Node names the failure in `code`; browsers give none, and the message is all there is.
    const code = (current as Error & { code?: string }).code;
    // Happy-eyeballs connects fail with an AggregateError whose own message is empty.
    const message =
      current.message ||
      (current instanceof AggregateError
        ? current.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
        : '');
    if (message && message !== 'fetch failed')
      reason = code && !message.includes(code) ? `${code} ${message}` : message;
    else if (code) reason = code;
    current = current.cause;
  }
  return reason;
}

function errorBodyOf(body: unknown): { code: string; msg: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const code = record.error_code;
  const msg = record.error_msg ?? record.error_message;
  if (typeof code !== 'string' || !code) return undefined;
  return { code, msg: typeof msg === 'string' ? msg : '' };
}

function jsonOf(text: string): { body: unknown; parsed: boolean } {
  if (text.trim() === '') return { body: undefined, parsed: true };
  try {
    return { body: JSON.parse(text), parsed: true };
  } catch {
    return { body: undefined, parsed: false };
  }
}

/** Throws the API's refusal: its ModelArts code and message where the body gives them. */
function refused(method: string, url: string, response: Response, body: unknown, parsed: boolean): never {
  const error = parsed ? errorBodyOf(body) : undefined;
  throw new DemanagerApiError({
    status: response.status,
    errorCode: error?.code ?? `HTTP.${response.status}`,
    errorMsg: error?.msg || response.statusText || `HTTP ${response.status}`,
    method,
    url,
  });
}

export class HttpClient {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: HttpOptions = {}) {
    // Called as a method of this object, a browser's fetch throws "Illegal invocation": keep it bound.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? `demanager-client/${VERSION}`;
  }

  /** Sends the request; answers the parsed JSON body of a 2xx, throws for anything else. */
  async request<T>(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const { response, text } = await this.#send(method, url, 'application/json', options);
    const { body, parsed } = jsonOf(text);
    if (!response.ok) refused(method, url, response, body, parsed);
    if (!parsed) throw new DemanagerResponseError(url, `HTTP ${response.status} with a body that is not JSON`);
    return { status: response.status, headers: response.headers, body: body as T };
  }

  /** As {@link request}, for a body of another type (`accept`, CSV say): answers its text. */
  async requestText(method: string, url: string, accept: string, options: RequestOptions = {}): Promise<string> {
    const { response, text } = await this.#send(method, url, accept, options);
    if (!response.ok) {
      const { body, parsed } = jsonOf(text);
      refused(method, url, response, body, parsed);
    }
    return text;
  }

  async #send(method: string, url: string, accept: string, options: RequestOptions) {
    const target = withQuery(url, options.query);
    const headers: Record<string, string> = {
      Accept: accept,
      'User-Agent': this.#userAgent,
      ...options.headers,
    };
    if (options.token) headers['X-Auth-Token'] = options.token;
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(this.#timeoutMs) };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    try {
      const response = await this.#fetch(target, init);
      return { response, text: await response.text() };
    } catch (error) {
      throw new DemanagerNetworkError(url, networkReason(error), error);
    }
  }
}
