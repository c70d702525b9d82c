/**
 * @module client/session
 * What a login yields, read from the Keystone token body the way real clients read it: the project
 * from `token.project`, the API base from the catalog entry of type `modelartsv1`.
 */
import { DemanagerResponseError } from './errors.js';
import { joinUrl } from './http.js';
import type { TokenDocument } from './types.js';

export const MODELARTS_SERVICE_TYPE = 'modelartsv1';

export interface LoginOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  user: string;
  password: string;
  /** Keystone domain name; the server's default domain when absent. */
  domain?: string | undefined;
  /** Project name to scope the token to; the user's first project when absent. */
  project?: string | undefined;
}

export interface Session {
  /** Server base URL (IAM endpoints live under it). */
  url: string;
  token: string;
  projectId: string;
  projectName: string;
  /** `…/v1/{project_id}`: where the instance API lives, from the token's catalog. */
  apiBase: string;
  /** ISO 8601. */
  expiresAt: string;
  user: { id: string; name: string; domain: string };
  roles: string[];
  /** Whether the user may use the administration API (users, projects, roles); not kept by the CLI. */
  isSystemAdmin?: boolean;
}

/** The API base of the catalog's `modelartsv1` service, preferring the public endpoint. */
export function apiBaseOf(document: TokenDocument, fallbackUrl: string): string {
  const service = document.token.catalog.find((entry) => entry.type === MODELARTS_SERVICE_TYPE);
  const endpoint = service?.endpoints.find((e) => e.interface === 'public') ?? service?.endpoints[0];
  if (endpoint?.url) return endpoint.url.replace(/\/+$/, '');
  // A server without a catalog entry still serves the API at its own base.
  return joinUrl(fallbackUrl, `/v1/${document.token.project.id}`);
}

/** Keystone writes microseconds (`…12.345000Z`); normalise to what `Date` prints. */
function isoOf(keystoneTime: string): string {
  const ms = Date.parse(keystoneTime);
  return Number.isNaN(ms) ? keystoneTime : new Date(ms).toISOString();
}

export function sessionOf(url: string, token: string, document: TokenDocument): Session {
  const t = document?.token;
  if (!t?.project?.id || !t.user?.id || !Array.isArray(t.catalog)) {
    throw new DemanagerResponseError(url, 'the token body has no project, user or catalog');
  }
  return {
    url,
    token,
    projectId: t.project.id,
    projectName: t.project.name,
    apiBase: apiBaseOf(document, url),
    expiresAt: isoOf(t.expires_at),
    user: { id: t.user.id, name: t.user.name, domain: t.user.domain?.name ?? '' },
    roles: t.roles.map((r) => r.name),
    isSystemAdmin: t.user.is_system_admin === true,
  };
}
