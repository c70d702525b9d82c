/**
 * @module test/support/event-stream-client
 * Reads a server-sent events stream over real HTTP, as a script would (`curl -N`):
 * events (and comments) are parsed as they arrive, and a test waits for the next one that matches.
 */
import { request } from 'node:http';

export interface StreamEvent {
  /** The event name, or `comment` for a `:` line. */
  event: string;
  data: string;
  /** The block's `id:` field, when it has one. */
  id?: string;
}

export interface EventStreamClient {
  status: number;
  headers: Headers;
  /** Every event received so far, in order. */
  received: StreamEvent[];
  /** The last id the stream gave, in an event or in a keep-alive, as an EventSource keeps it. */
  readonly lastEventId: string;
  /** The first event after those already consumed that matches; fails after `timeoutMs`. */
  next(predicate?: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function parse(block: string): StreamEvent | undefined {
  let event = 'message';
  let comment: string | undefined;
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comment ??= line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
    if (field === 'id') id = value;
  }
  const withId = id === undefined ? {} : { id };
  if (data.length > 0) return { event, data: data.join('\n'), ...withId };
  return comment === undefined ? undefined : { event: 'comment', data: comment, ...withId };
}

/** The answer's status and headers, and its body as it arrives; `destroy` hangs up. */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: AsyncIterable<Buffer>; destroy(): void }> {
  return new Promise((resolve, reject) => {
    // node:http rather than fetch: hanging up must close this connection and open no other one,
    // which a pooled client may do, leaving the server's close waiting on an idle socket.
    const req = request(url, { headers, agent: false }, (res) => {
      const answerHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers))
        if (typeof value === 'string') answerHeaders.set(name, value);
      resolve({ status: res.statusCode ?? 0, headers: answerHeaders, body: res, destroy: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStreamClient> {
  const response = await get(url, headers);
  const received: StreamEvent[] = [];
  let consumed = 0;
  let lastEventId = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const parsed = parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (parsed) received.push(parsed);
          if (parsed?.id !== undefined) lastEventId = parsed.id;
        }
        notify();
      }
    } catch {
      /* hung up by close() */
    }
    notify();
  })();
  let done = false;
  void ended.then(() => (done = true));

  async function next(predicate: (e: StreamEvent) => boolean = () => true, timeoutMs = 10_000): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (consumed < received.length) {
        const candidate = received[consumed++]!;
        if (predicate(candidate)) return candidate;
      }
      if (done) throw new Error(`the stream ended; received ${JSON.stringify(received).slice(-600)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event; received ${JSON.stringify(received).slice(-600)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    received,
    get lastEventId() {
      return lastEventId;
    },
    next,
    ended,
    close: () => response.destroy(),
  };
}
