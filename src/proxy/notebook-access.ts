/**
 * @module proxy/notebook-access
 * Who may pass the notebook proxy: whoever presents the instance's current access token, in the
 * `token` query parameter (the link the API hands out) or in the HttpOnly cookie the proxy sets
 * from it. The token is issued only to the owner or a project admin, and stops working when the
 * instance stops or restarts.
 */
import { runIdOf, type InstanceTokens } from '../core/instance-tokens.js';
import type { Store } from '../core/store.js';

export const ACCESS_COOKIE = 'demanager-notebook';

export type Access =
  | { allowed: true; endpoint: string; workloadToken: string; fromQuery: boolean; token: string }
  | { allowed: false; status: 403 | 503; reason: string };

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function checkAccess(
  store: Store,
  tokens: InstanceTokens,
  instanceId: string,
  queryToken: string | undefined,
  cookieHeader: string | undefined,
): Promise<Access> {
  const token = queryToken ?? cookieValue(cookieHeader, ACCESS_COOKIE);
  if (!token) return { allowed: false, status: 403, reason: 'Open this notebook from its URL with a token (GET …/token).' };
  const instance = await store.instances.getById(instanceId);
  // Unknown instance and wrong token read the same, so the proxy reveals nothing about ids.
  if (!instance || !tokens.verify(instance, token)) {
    return { allowed: false, status: 403, reason: 'The token is wrong or expired; get a new one with GET …/token.' };
  }
  const runId = runIdOf(instance);
  const endpoint = instance.runtime?.endpoint;
  if (!endpoint || !runId) return { allowed: false, status: 503, reason: 'The notebook is not reachable yet.' };
  return { allowed: true, endpoint, workloadToken: tokens.workloadToken(instance.id, runId), fromQuery: queryToken !== undefined, token };
}
