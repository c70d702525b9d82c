/**
 * @module proxy/notebook-forwarding
 * An admitted HTTP request passed to its notebook server, and the answer streamed back, on
 * undici's dispatcher: the request goes out with the headers proxy/notebook-proxy made fit for
 * the workload (proxy/workload-headers), the answer comes back with the proxy's security headers
 * (proxy/security-headers), and the body flows chunk by chunk in both directions, paced by the
 * slower side. A workload that cannot be reached or does not answer in time gets the proxy's page
 * (502, 504); one that fails in the middle of an answer cuts the client's connection, as the
 * answer can no longer be told apart from a whole one.
 *
 * Why not `@fastify/reply-from`, which did this before: most of what a notebook asks is small
 * (`api/status`, a kernel poll, a saved cell), and for those the proxy's own work is most of what
 * it adds. reply-from hands the answer to Fastify as a stream, through its send path and hooks;
 * writing undici's chunks straight to the response took what demanager adds beyond the hop from
 * 305–405 µs to 90–109 µs per request in bench/proxy's turns, on the same machine
 * (bench/RESULTS.md). WebSockets stay with `@fastify/http-proxy`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { secureHeaders } from './security-headers.js';

/** Bounds on every call the proxy makes to a workload, so a hung notebook cannot hold requests. */
export interface ProxyTimeouts {
  /** To open the connection. */
  connectMs: number;
  /** From the request to the answer's headers. */
  answerMs: number;
  /** Silence in the middle of an answer's body. */
  idleMs: number;
}

/** Where an admitted request goes: the notebook server's origin, and the headers it is to get. */
export interface Target {
  endpoint: string;
  headers: IncomingHttpHeaders;
  /** The path and query to ask for (the request's, less what is not the workload's). */
  path: string;
}

/** Why a request could not be passed on: `timedOut` for 504, otherwise 502. */
export interface Unreachable {
  timedOut: boolean;
  code: string | undefined;
}

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), which undici sets for
 * its own connection and refuses to be given; and `expect`, which it does not support (a client's
 * `100-continue` is answered by Node before the request reaches the proxy).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'host',
]);

/** The names a `Connection` header lists, which are hop-by-hop too. */
function listedInConnection(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .toLowerCase()
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** `headers` (names in lower case, as Node and undici give them) less the hop-by-hop ones. */
export function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = listedInConnection(headers.connection);
  const kept: IncomingHttpHeaders = {};
  for (const name of Object.keys(headers))
    if (!HOP_BY_HOP.has(name) && !listed.includes(name)) kept[name] = headers[name];
  return kept;
}

/**
 * The answer's headers as the client gets them: end-to-end only, under the proxy's own. (undici
 * has refused an answer with a header Node could not write: that is a 502.)
 */
function answerHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return secureHeaders(endToEnd(headers));
}

/** A path whose dot-segments (plain or percent-encoded) would leave the instance's prefix. */
export function climbsOut(path: string): boolean {
  const pathOnly = path.split('?', 1)[0]!;
  // Most paths have neither: spared a decode each.
  if (!pathOnly.includes('..') && !pathOnly.includes('%')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathOnly.replaceAll('\\', '/')).replaceAll('\\', '/');
  } catch {
    return true;
  }
  return decoded.split('/').includes('..');
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

export class NotebookForwarding {
  readonly #agent: Agent;

  constructor(timeouts: ProxyTimeouts) {
    this.#agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.answerMs,
      bodyTimeout: timeouts.idleMs,
    });
  }

  /**
   * Passes `request` to `target` and streams the answer to the client. The reply is Fastify's
   * until the workload's answer starts (so a refusal is still a normal reply, with its hooks); from
   * then on the answer is written to the connection directly (Fastify still writes its log line when
   * it ends). Resolves once the reply is taken or sent.
   */
  forward(
    request: FastifyRequest,
    reply: FastifyReply,
    target: Target,
    onUnreachable: (why: Unreachable) => void,
  ): Promise<FastifyReply> {
    const res = reply.raw;
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : ((request.body as Readable) ?? null);
    return new Promise((settle) => {
      let answering = false;
      // The request to the workload, once undici has started it: ended with the client's connection.
      let upstream: Dispatcher.DispatchController | null = null;
      res.once('close', () => {
        if (!res.writableFinished) upstream?.abort(new Error('the client left'));
      });
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (controller) => {
          upstream = controller;
          if (res.destroyed) controller.abort(new Error('the client left'));
        },
        onResponseStart: (_controller, statusCode, headers, statusMessage) => {
          if (statusCode < 200) return;
          answering = true;
          reply.hijack();
          const answer = answerHeaders(headers);
          // The connection cannot carry another request while this one's body is still unread.
          if (body && !body.readableEnded) answer.connection = 'close';
          res.writeHead(statusCode, statusMessage || undefined, answer);
          settle(reply);
        },
        onResponseData: (controller, chunk) => {
          if (res.write(chunk)) return;
          controller.pause();
          res.once('drain', () => controller.resume());
        },
        onResponseEnd: () => res.end(),
        onResponseError: (_controller, error) => {
          const code = (error as { code?: string }).code;
          if (!answering) {
            if (!res.destroyed) onUnreachable({ timedOut: TIMEOUT_CODES.has(code ?? ''), code });
            settle(reply);
            return;
          }
          request.log.warn({ code }, 'notebook answer cut off');
          res.destroy();
        },
      };
      this.#agent.dispatch(
        {
          origin: target.endpoint,
          path: target.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: target.headers,
          body,
        },
        handler,
      );
    });
  }

  /** Ends every connection to the workloads, requests in flight included (the server is closing). */
  close(): Promise<void> {
    return this.#agent.destroy();
  }
}
