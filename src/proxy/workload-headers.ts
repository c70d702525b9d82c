/**
 * @module proxy/workload-headers
 * What of the browser's request reaches the workload. The notebook runs the owner's code, so it
 * must never see a demanager credential: `X-Auth-Token`, any `Authorization` (an API token, an
 * `SDK-HMAC-SHA256` signature, the instance token a Jupyter client sends) and `X-Subject-Token`
 * are dropped and `Authorization` becomes the workload's own token. Cookies pass by allow-list, not deny-list: only the ones Jupyter sets for
 * itself — `_xsrf` and its login cookie `username-<host>` (notebook 6 and jupyter_server alike) —
 * so the access cookie of this or any other instance, and whatever the API or another application
 * on the same host set, stay behind.
 */
const CREDENTIAL_HEADERS = ['authorization', 'x-auth-token', 'x-subject-token', 'cookie'];

function isWorkloadCookie(name: string): boolean {
  return name === '_xsrf' || name.startsWith('username-');
}

/** The `Cookie` header with only the workload's own cookies, or undefined when none is left. */
export function workloadCookies(header: string | undefined): string | undefined {
  const kept = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => isWorkloadCookie(part.slice(0, Math.max(part.indexOf('='), 0))));
  return kept.length ? kept.join('; ') : undefined;
}

/** `headers` (the request's, or the WebSocket client's) made fit to send to the workload. */
export function workloadHeaders<T extends Record<string, unknown>>(
  headers: T,
  cookieHeader: string | undefined,
  workloadToken: string,
): T {
  const next: Record<string, unknown> = { ...headers };
  for (const name of CREDENTIAL_HEADERS) delete next[name];
  const cookie = workloadCookies(cookieHeader);
  if (cookie) next.cookie = cookie;
  next.authorization = `token ${workloadToken}`;
  return next as T;
}
