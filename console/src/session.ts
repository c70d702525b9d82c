/**
 * @module console/session
 * The signed-in session, held in memory only: a reload signs out. No token is written to
 * localStorage, sessionStorage or a cookie, where script on this origin (a notebook page among
 * them) could read it.
 */
import { DemanagerClient, type Session } from '../../src/client/index.js';

export interface ConsoleSession {
  client: DemanagerClient;
  session: Session;
}

export async function signIn(user: string, password: string, project: string): Promise<ConsoleSession> {
  const url = location.origin;
  const session = await new DemanagerClient({ url }).login({
    url,
    user,
    password,
    project: project.trim() || undefined,
  });
  // The catalog may name a public URL other than the one this page came from; the API is here too.
  const local: Session = { ...session, apiBase: `${url}/v1/${encodeURIComponent(session.projectId)}` };
  return { client: new DemanagerClient({ session: local }), session: local };
}

export function isProjectAdmin(session: Session): boolean {
  return session.roles.includes('admin');
}
