/**
 * @module proxy/notebook-access
 * Who may pass the notebook proxy: whoever presents the instance's current access token, in the
 * `token` query parameter (the link the API hands out) or in the HttpOnly cookie the proxy sets
 * from it, while the user it was issued to may still open the notebook. The token is issued only
 * to the owner, a project admin or a user the instance is shared with, and stops working when the
 * instance stops or restarts, and when its user is deleted, disabled, loses their role in the
 * project or their share (core/identity/notebook-openers): on every request and upgrade, not only
 * when the link is first used.
 */
import { runIdOf, type InstanceTokens } from '../core/identity/instance-tokens.js';
import type { NotebookOpeners } from '../core/identity/notebook-openers.js';
import type { Store } from '../core/ports/store.js';

export const ACCESS_COOKIE = 'demanager-notebook';

export type Access =
  | {
      allowed: true;
      endpoint: string;
      workloadToken: string;
      fromQuery: boolean;
      token: string;
      /** Whose token it is, and the identity revision under which they were found allowed. */
      userId: string;
      revision: number;
    }
  | { allowed: false; status: 403 | 503; reason: string };

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface AccessDeps {
  store: Store;
  tokens: InstanceTokens;
  openers: NotebookOpeners;
}

const REFUSED =
  'This link or session does not open this notebook: it is wrong, the notebook was restarted, or your account may no longer open it. Open the notebook again from the console (or GET …/token).';

export async function checkAccess(
  { store, tokens, openers }: AccessDeps,
  instanceId: string,
  queryToken: string | undefined,
  cookieHeader: string | undefined,
): Promise<Access> {
  const token = queryToken ?? cookieValue(cookieHeader, ACCESS_COOKIE);
  if (!token)
    return { allowed: false, status: 403, reason: 'Open this notebook from its URL with a token (GET …/token).' };
  const instance = await store.instances.getById(instanceId);
  // Unknown instance, wrong token and a user who lost access read the same, so the proxy reveals
  // nothing about ids or accounts.
  if (!instance) return { allowed: false, status: 403, reason: REFUSED };
  const { users, revision } = await openers.of(instance);
  const userId = tokens.holderOf(instance, token, users);
  if (userId === null) return { allowed: false, status: 403, reason: REFUSED };
  const runId = runIdOf(instance);
  const endpoint = instance.runtime?.endpoint;
  if (!endpoint || !runId) return { allowed: false, status: 503, reason: 'The notebook is not reachable yet.' };
  return {
    allowed: true,
    endpoint,
    workloadToken: tokens.workloadToken(instance.id, runId),
    fromQuery: queryToken !== undefined,
    token,
    userId,
    revision,
  };
}
