/**
 * @module console/live
 * Follows the project's instance changes: the server-sent events stream read with `fetch` (an
 * EventSource cannot send the token header, and the token is never put in a URL), and, while the
 * stream is down, polling until it comes back. Like an EventSource, it sends the last event id
 * back when it reconnects, so the server tells it what changed meanwhile rather than it reading
 * the whole list again; it reads the list only on a fresh start or when the server says `reset`.
 */
import type { Instance, Session } from '../../src/client/index.js';

export type LiveState = 'connecting' | 'live' | 'polling';

export interface LiveHandlers {
  changed(instance: Instance): void;
  deleted(id: string): void;
  /** Read the whole picture again: the stream (re)started, or a poll is due. */
  resync(): void;
  state(state: LiveState): void;
}

const POLL_MS = 5_000;
const RETRY_MS = [1_000, 3_000, 10_000, 30_000];

/**
 * Hands each complete block of `text` to `onEvent` (blocks with data) and its `id:` to `onId`
 * (an id with no data, as a keep-alive carries, still counts); answers what is left over.
 */
export function splitEvents(
  text: string,
  onEvent: (event: string, data: string) => void,
  onId: (id: string) => void = () => {},
): string {
  const blocks = text.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('id:')) id = line.slice(3).trim();
    }
    if (id !== undefined) onId(id);
    if (data.length > 0) onEvent(event, data.join('\n'));
  }
  return rest;
}

export function followInstances(session: Session, handlers: LiveHandlers): () => void {
  const abort = new AbortController();
  let poll: number | undefined;
  let failures = 0;
  let lastEventId = '';

  function startPolling(): void {
    handlers.state('polling');
    if (poll === undefined) poll = window.setInterval(() => handlers.resync(), POLL_MS);
  }

  function stopPolling(): void {
    if (poll !== undefined) window.clearInterval(poll);
    poll = undefined;
  }

  async function stream(): Promise<void> {
    const response = await fetch(`${session.apiBase}/demanager/instance-changes`, {
      headers: {
        // None where the session is the cookie's (console/session): the browser sends that.
        ...(session.token ? { 'X-Auth-Token': session.token } : {}),
        Accept: 'text/event-stream',
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
      },
      signal: abort.signal,
      cache: 'no-store',
    });
    if (!response.ok || !response.body) throw new Error(`the change stream answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = splitEvents(
        buffer + value,
        (event, data) => {
          if (event === 'ready') {
            failures = 0;
            stopPolling();
            handlers.state('live');
            // Resumed: what changed meanwhile follows. Otherwise nothing will, so read it all.
            if (!(JSON.parse(data) as { resumed?: boolean }).resumed) handlers.resync();
          } else if (event === 'reset') handlers.resync();
          else if (event === 'instance') handlers.changed(JSON.parse(data) as Instance);
          else if (event === 'instance-deleted') handlers.deleted((JSON.parse(data) as { id: string }).id);
        },
        (id) => (lastEventId = id),
      );
    }
  }

  async function run(): Promise<void> {
    handlers.state('connecting');
    while (!abort.signal.aborted) {
      try {
        await stream();
      } catch {
        /* down: poll meanwhile, then try again */
      }
      if (abort.signal.aborted) return;
      startPolling();
      const wait = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!;
      await new Promise((resolve) => window.setTimeout(resolve, wait));
    }
  }

  void run();
  return () => {
    abort.abort();
    stopPolling();
  };
}
