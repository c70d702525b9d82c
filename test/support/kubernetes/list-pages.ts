/**
 * @module test/support/kubernetes/list-pages
 * Chunked lists (`limit` and `continue`), so a client that pages gets `metadata.continue` and
 * `remainingItemCount` as from a cluster. Unlike a real server, later pages show the current
 * objects, not a snapshot taken at the first page.
 */
import { badRequest } from './api-status.js';

interface Token {
  rv: string;
  /** The key (namespace/name) after which the next page starts. */
  start: string;
}

const keyOf = (obj: any) => `${obj.metadata.namespace}/${obj.metadata.name}`;

/** One page of `items` (already in key order) and the list metadata that goes with it. */
export function listPage(items: any[], limit: string | null, token: string | null, resourceVersion: string) {
  let from: Token | undefined;
  if (token) {
    try {
      from = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Token;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data');
    }
  }
  const rest = from ? items.filter((o) => keyOf(o) > from.start) : items;
  const size = Number(limit ?? 0);
  if (!Number.isInteger(size) || size <= 0 || rest.length <= size) {
    return { items: rest, metadata: { resourceVersion: from?.rv ?? resourceVersion } };
  }
  const pageItems = rest.slice(0, size);
  const next: Token = { rv: from?.rv ?? resourceVersion, start: keyOf(pageItems.at(-1)) };
  return {
    items: pageItems,
    metadata: {
      resourceVersion: next.rv,
      continue: Buffer.from(JSON.stringify(next)).toString('base64url'),
      remainingItemCount: rest.length - size,
    },
  };
}
