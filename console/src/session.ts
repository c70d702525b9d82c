/**
 * @module console/session
 * The signed-in session, kept one of two ways, as the server says (`GET /v3/auth/session`).
 *
 * `cookie`: every notebook has a host name of its own, so no notebook's script shares this origin.
 * The server keeps the token in an HttpOnly cookie this page never sees, and a reload stays signed
 * in. Each request carries the `X-Demanager-CSRF` value the server gave this page, without which
 * the cookie changes nothing (notebook hosts are the same site, and the browser would send it).
 *
 * `memory`: notebooks are served on this origin, where a notebook's script could use any credential
 * the origin holds (fetch the API with its cookies, or frame this page and read it). The token is
 * held in memory only, and a reload signs out: nothing is written to localStorage,
 * sessionStorage or a cookie.
 */
import {
  DemanagerClient,
  HttpClient,
  loginBodyOf,
  sessionOf,
  type Session,
  type SessionDocument,
} from '../../src/client/index.js';

export type SignInMode = 'cookie' | 'memory';

export interface ConsoleSession {
  client: DemanagerClient;
  session: Session;
  /** Signs out on the server too: the token is revoked (the cookie's, or the one held in memory). */
  end(): Promise<void>;
}

export interface ConsoleStart {
  mode: SignInMode;
  /** Signed in already (by the cookie), or null. */
  signedIn: ConsoleSession | null;
}

const SESSION_PATH = '/v3/auth/session';
const CSRF_HEADER = 'X-Demanager-CSRF';

/** A fetch that sends the CSRF header with every request (the cookie goes by itself: same origin). */
function withCsrf(value: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(CSRF_HEADER, value);
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
}

function cookieSession(document: SessionDocument): ConsoleSession | null {
  const csrf = document.session.csrf_token;
  if (!document.token || !csrf) return null;
  const url = location.origin;
  // The token stays in the cookie: the session carries none, and the client sends no token header.
  const session = local(sessionOf(url, '', { token: document.token }));
  const http = new HttpClient({ fetch: withCsrf(csrf) });
  return {
    client: new DemanagerClient({ session, fetch: withCsrf(csrf) }),
    session,
    end: () => http.request('DELETE', `${url}${SESSION_PATH}`).then(() => undefined),
  };
}

/** The catalog may name a public URL other than the one this page came from; the API is here too. */
function local(session: Session): Session {
  return { ...session, apiBase: `${location.origin}/v1/${encodeURIComponent(session.projectId)}` };
}

/** How this server has the console sign in, and whether its cookie signs this browser in already. */
export async function startConsole(): Promise<ConsoleStart> {
  const answer = await new HttpClient().request<SessionDocument>('GET', `${location.origin}${SESSION_PATH}`);
  if (!answer.body.session.cookie) return { mode: 'memory', signedIn: null };
  return { mode: 'cookie', signedIn: cookieSession(answer.body) };
}

export async function signIn(
  mode: SignInMode,
  user: string,
  password: string,
  project: string,
): Promise<ConsoleSession> {
  const url = location.origin;
  const options = { user, password, project: project.trim() || undefined };
  if (mode === 'cookie') {
    // No session yet: the header's presence is what keeps another origin's sign-in out (a preflight).
    const answer = await new HttpClient({ fetch: withCsrf('sign-in') }).request<SessionDocument>(
      'POST',
      `${url}${SESSION_PATH}`,
      { body: loginBodyOf(options) },
    );
    const signedIn = cookieSession(answer.body);
    if (!signedIn) throw new Error('the server answered the sign-in without a session');
    return signedIn;
  }
  const session = local(await new DemanagerClient({ url }).login({ url, ...options }));
  // Keystone's revocation: the token stops working on the server, not only in this page.
  const revoke = { token: session.token, headers: { 'X-Subject-Token': session.token } };
  return {
    client: new DemanagerClient({ session }),
    session,
    end: () => new HttpClient().request('DELETE', `${url}/v3/auth/tokens`, revoke).then(() => undefined),
  };
}

export function isProjectAdmin(session: Session): boolean {
  return session.roles.includes('admin');
}
