/**
 * @module api/event-stream
 * A server-sent events answer (`text/event-stream`) written straight to the socket: named events
 * with their ids, a keep-alive comment after each quiet interval (so proxies and clients see the
 * line is alive; it carries the current id, so a quiet client's id stays recent), and one close however it comes — the client leaving, the server shutting down, the
 * caller's credentials expiring.
 */
import type { FastifyReply } from 'fastify';

export interface EventStream {
  readonly closed: boolean;
  /** One event; `data` is sent as one `data:` line per line of it. */
  send(event: string, data: string, id?: string): void;
  close(): void;
  /** Runs once, when the stream closes for any reason. */
  onClose(callback: () => void): void;
}

/**
 * @param keepAliveId The id a keep-alive carries: an id with no data updates an EventSource's
 * `lastEventId` and dispatches nothing.
 */
export function openEventStream(reply: FastifyReply, keepAliveMs: number, keepAliveId?: () => string): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    // No proxy or browser may keep or transform a live feed, and nginx must not buffer it.
    'cache-control': 'no-cache, no-store, no-transform',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    // The connection serves this stream only: once it ends, nothing may keep the socket (and so
    // a closing server) waiting for the keep-alive timeout.
    connection: 'close',
  });
  raw.flushHeaders();
  const callbacks: (() => void)[] = [];
  let closed = false;
  let quiet: NodeJS.Timeout | undefined;

  function write(text: string): void {
    if (closed) return;
    raw.write(text);
    clearTimeout(quiet);
    quiet = setTimeout(() => write(`: keep-alive\n${keepAliveId ? idLine(keepAliveId()) : ''}\n`), keepAliveMs);
  }

  function finish(): void {
    if (closed) return;
    closed = true;
    clearTimeout(quiet);
    for (const callback of callbacks.splice(0)) callback();
  }

  raw.on('close', finish);
  // A client that reconnects should wait a little rather than hammer a server that is going away.
  write('retry: 3000\n\n');
  return {
    get closed() {
      return closed;
    },
    send(event, data, id) {
      write(
        `event: ${event}\n${id === undefined ? '' : idLine(id)}${data
          .split(/\r?\n|\r/)
          .map((line) => `data: ${line}\n`)
          .join('')}\n`,
      );
    },
    close() {
      if (closed) return;
      raw.end();
      finish();
    },
    onClose(callback) {
      if (closed) callback();
      else callbacks.push(callback);
    },
  };
}

/** Ids are the server's own (digits); a line break in one would end the field early. */
function idLine(id: string): string {
  return `id: ${id.replace(/[\r\n\0]/g, '')}\n`;
}
