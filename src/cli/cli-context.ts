/**
 * @module cli/cli-context
 * Turns the global options (`--url`, `--token`, `DEMANAGER_URL`, `DEMANAGER_TOKEN`) and the saved
 * session into a ready client. Overrides win over the session file, so scripts need no login.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { DemanagerClient, type Session } from '../client/index.js';
import { NotLoggedInError, UsageError } from './cli-errors.js';
import { fromSaved, isExpired, readSession, sessionPath, type SavedSession } from './session-file.js';

export interface GlobalOptions {
  url?: string | undefined;
  token?: string | undefined;
}

export interface Connection {
  client: DemanagerClient;
  session: Session;
}

function stringOption(all: Record<string, unknown>, key: string): string | undefined {
  const value = all[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function globalOptions(command: CommandUnknownOpts, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const all: Record<string, unknown> = command.optsWithGlobals();
  return {
    url: stringOption(all, 'url') ?? (env.DEMANAGER_URL || undefined),
    token: stringOption(all, 'token') ?? (env.DEMANAGER_TOKEN || undefined),
  };
}

/** `http(s)://host[:port][/prefix]` without a trailing slash; anything else is a usage error. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${raw}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The saved session, or undefined; a damaged file is reported as "not logged in". */
export function savedSession(): SavedSession | undefined {
  const result = readSession();
  if (result.state === 'corrupt') throw new NotLoggedInError(`the session file ${result.path} is damaged`);
  return result.state === 'ok' ? result.session : undefined;
}

/** A client acting with the caller's token, and the session (project, API base) it stands for. */
export async function connect(command: CommandUnknownOpts): Promise<Connection> {
  const globals = globalOptions(command);
  const url = globals.url ? normalizeUrl(globals.url) : undefined;
  const saved = savedSession();

  if (!globals.token) {
    if (!saved) throw new NotLoggedInError(`not logged in (no session at ${sessionPath()})`);
    if (isExpired(saved))
      throw new NotLoggedInError(`the session of ${saved.user} at ${saved.url} expired at ${saved.expiresAt}`);
    if (!url || url === saved.url) {
      const session = fromSaved(saved);
      return { client: new DemanagerClient({ session }), session };
    }
  }

  // A token from outside the session file, or the session's token on another URL: ask the
  // server what it stands for (project, catalog).
  const token = globals.token ?? saved?.token;
  const base = url ?? saved?.url;
  if (!token) throw new NotLoggedInError('no token');
  if (!base) throw new UsageError('--token needs --url (or DEMANAGER_URL)');
  if (saved && saved.token === token && saved.url === base && !isExpired(saved)) {
    const session = fromSaved(saved);
    return { client: new DemanagerClient({ session }), session };
  }
  const client = new DemanagerClient({ url: base });
  const session = await client.useToken(token);
  return { client, session };
}
