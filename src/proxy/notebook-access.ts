/**
 * @module proxy/notebook-access
 * Who may pass the notebook proxy: whoever presents the instance's current access token, in the
 * `token` query parameter (the link the API hands out), in an `Authorization: token <t>` or
 * `Bearer <t>` header (what Jupyter Server accepts, and what `@jupyterlab/services` — JupyterLab,
 * VS Code's Jupyter extension — sends on every REST call), or in the HttpOnly cookie the proxy
 * sets from the link, while the user it was issued to may still open the notebook. The token is
 * issued only to the owner, a project admin or a user the instance is shared with, and stops
 * working when the instance stops or restarts, and when its user is deleted, disabled, loses their
 * role in the project or their share (core/identity/notebook-openers): on every request and
 * upgrade, not only when the link is first used, from what proxy/notebook-access-cache keeps until
 * any of these changes.
 */
import type { NotebookAccessCache } from './notebook-access-cache.js';

export const ACCESS_COOKIE = 'demanager-notebook';

export type Access =
  | {
      allowed: true;
      endpoint: string;
      workloadToken: string;
      /** Which credential admitted the request; see {@link checkAccess} for the order. */
      via: Credential;
      token: string;
      /** Whose token it is, and the identity revision under which they were found allowed. */
      userId: string;
      /** What lets that user open it, and the instance's project: for the audit entry of an opening. */
      opensAs: OpensAs;
      projectId: string;
      revision: number;
    }
  | { allowed: false; status: 403 | 503; reason: string };

export type Credential = 'query' | 'header' | 'cookie';

export type OpensAs = 'owner' | 'admin' | 'shared';

/** What the request presents as the instance token, each where it was found. */
export interface Presented {
  query: string | undefined;
  /** The request's `Authorization` header, whatever its scheme. */
  authorization: string | undefined;
  cookie: string | undefined;
}

/**
 * The token of an `Authorization: token <t>` or `Bearer <t>` header, the scheme in any case, as
 * Jupyter Server reads it; undefined for any other scheme (a demanager API token sent as
 * `X-Auth-Token` is not this, but an `SDK-HMAC-SHA256` signature is an `Authorization` too).
 */
export function headerToken(authorization: string | undefined): string | undefined {
  const match = /^(?:token|bearer)[ \t]+([^\s]+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface AccessDeps {
  cache: NotebookAccessCache;
}

const REFUSED =
  'This link or session does not open this notebook: it is wrong, the notebook was restarted, or your account may no longer open it. Open the notebook again from the console (or GET …/token).';

/**
 * Which of the presented tokens counts, in order: the query alone when there is one (a link says
 * which token it means, whatever the browser also holds); else the header when it holds a valid
 * token; else the cookie. A header that does not open the notebook falls back to the cookie rather
 * than refusing: a page of the notebook may send a token of its own there (JupyterLab sends its
 * page's token), or a script its demanager API token, and the cookie, then checked for its origin,
 * is what a browser tab is admitted by. With no cookie, such a header is refused.
 */
function candidates(presented: Presented): [Credential, string][] {
  if (presented.query !== undefined) return [['query', presented.query]];
  const header = headerToken(presented.authorization);
  const cookie = cookieValue(presented.cookie, ACCESS_COOKIE);
  return [
    ...(header ? [['header', header] as [Credential, string]] : []),
    ...(cookie ? [['cookie', cookie] as [Credential, string]] : []),
  ];
}

/** The first offered token that someone holds, with whose it is. */
function holderAmong(
  offered: [Credential, string][],
  holderOf: (token: string) => string | null,
): { via: Credential; token: string; userId: string } | undefined {
  for (const [via, token] of offered) {
    const userId = holderOf(token);
    if (userId !== null) return { via, token, userId };
  }
  return undefined;
}

export async function checkAccess({ cache }: AccessDeps, instanceId: string, presented: Presented): Promise<Access> {
  const offered = candidates(presented);
  if (!offered.length)
    return { allowed: false, status: 403, reason: 'Open this notebook from its URL with a token (GET …/token).' };
  const facts = await cache.facts(instanceId);
  // Unknown instance, wrong token and a user who lost access read the same, so the proxy reveals
  // nothing about ids or accounts.
  if (!facts) return { allowed: false, status: 403, reason: REFUSED };
  const admitted = holderAmong(offered, (token) => facts.holderOf(token));
  if (!admitted) return { allowed: false, status: 403, reason: REFUSED };
  const { via, token, userId } = admitted;
  const { instance, openers } = facts;
  const endpoint = instance.runtime?.endpoint;
  const workloadToken = facts.workloadToken();
  if (!endpoint || !workloadToken) return { allowed: false, status: 503, reason: 'The notebook is not reachable yet.' };
  return {
    allowed: true,
    endpoint,
    workloadToken,
    via,
    token,
    userId,
    opensAs: userId === instance.user.id ? 'owner' : openers.shared.has(userId) ? 'shared' : 'admin',
    projectId: instance.projectId,
    revision: openers.revision,
  };
}
