/**
 * @module console/router
 * Routes in the address's fragment (`#/instances/<id>`), so the server serves one page for all.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'list' }
  | { page: 'create' }
  | { page: 'usage' }
  | { page: 'admin' }
  | { page: 'detail'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/new') return { page: 'create' };
  if (path === '/usage') return { page: 'usage' };
  if (path === '/admin') return { page: 'admin' };
  const detail = /^\/instances\/([^/]+)$/.exec(path);
  if (detail?.[1]) return { page: 'detail', id: decodeURIComponent(detail[1]) };
  return { page: 'list' };
}

export const hrefOf = {
  list: () => '#/',
  create: () => '#/new',
  usage: () => '#/usage',
  admin: () => '#/admin',
  detail: (id: string) => `#/instances/${encodeURIComponent(id)}`,
};

export function navigate(href: string): void {
  location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
