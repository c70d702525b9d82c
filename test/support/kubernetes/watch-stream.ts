/**
 * @module test/support/kubernetes/watch-stream
 * One watch connection as the API server serves it: HTTP 200, then a chunked stream of JSON
 * lines `{"type","object"}` — the changes since the asked resourceVersion, then live ones, with
 * BOOKMARKs when asked for. A resourceVersion older than the kept history is answered the real
 * way: 200, one ERROR event carrying a 410 Expired Status, and the end of the stream.
 */
import type { ServerResponse } from 'node:http';
import { expired } from './api-status.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import { RESOURCE_KINDS, type ResourceName } from './resource-kinds.js';

export interface WatchRequest {
  resource: ResourceName;
  namespace?: string;
  /** The resourceVersion query parameter: '' or '0' start with the current objects as ADDED. */
  resourceVersion: string;
  matches: (obj: any) => boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
}

/** A served watch the cluster can cut, cleanly (end of stream) or as a broken connection. */
export interface OpenWatch {
  end(): void;
  destroy(): void;
}

type Line = { type: string; object: unknown };

/** How one change looks through a selector: an object that stops matching is DELETED for it. */
function translate(event: StoreEvent, matches: (obj: any) => boolean): Line | undefined {
  const now = matches(event.object);
  if (event.type !== 'MODIFIED') return now ? { type: event.type, object: event.object } : undefined;
  const before = event.previous !== undefined && matches(event.previous);
  if (before && now) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before) return { type: 'DELETED', object: event.object };
  return undefined;
}

export function serveWatch(
  store: ObjectStore,
  request: WatchRequest,
  res: ServerResponse,
  onClose: () => void,
): OpenWatch {
  const { resource, namespace } = request;
  const matches = (obj: any) =>
    obj.metadata.namespace !== undefined &&
    (namespace === undefined || obj.metadata.namespace === namespace) &&
    request.matches(obj);
  const write = (line: Line) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(line)}\n`);
  };
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const cleanup = () => {
    unsubscribe();
    timers.forEach(clearTimeout);
    timers.forEach(clearInterval);
    onClose();
  };
  res.on('close', cleanup);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // A quiet watch must still answer at once: the client waits for the headers before it streams.
  res.flushHeaders();

  // Replay and subscribe in one synchronous step, so no change can fall between them.
  const { resourceVersion } = request;
  if (resourceVersion === '' || resourceVersion === '0') {
    for (const object of store.list(resource, namespace)) if (matches(object)) write({ type: 'ADDED', object });
  } else {
    const missed = store.since(Number(resourceVersion));
    if (missed === 'expired') {
      write({ type: 'ERROR', object: expired(resourceVersion, store.oldestResourceVersion) });
      res.end();
      return { end: () => {}, destroy: () => {} };
    }
    for (const event of missed) {
      const line = event.resource === resource ? translate(event, matches) : undefined;
      if (line) write(line);
    }
  }
  unsubscribe = store.subscribe((event) => {
    const line = event.resource === resource ? translate(event, matches) : undefined;
    if (line) write(line);
  });

  if (request.allowWatchBookmarks) {
    const { kind, apiVersion } = RESOURCE_KINDS[resource];
    timers.push(
      setInterval(() => {
        // Every change up to the store's version was written synchronously, so it is a safe resume point.
        write({
          type: 'BOOKMARK',
          object: {
            kind,
            apiVersion,
            metadata: { resourceVersion: store.resourceVersion, creationTimestamp: null },
          },
        });
      }, request.bookmarkIntervalMs),
    );
  }
  if (request.timeoutSeconds !== undefined) timers.push(setTimeout(() => res.end(), request.timeoutSeconds * 1000));
  return { end: () => res.end(), destroy: () => res.socket?.destroy() };
}
