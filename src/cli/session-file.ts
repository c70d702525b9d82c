/**
 * @module cli/session-file
 * The saved login: `$DEMANAGER_CONFIG_DIR/session.json`, else
 * `${XDG_CONFIG_HOME:-~/.config}/demanager/session.json`. Holds a bearer token, so the file is
 * 0600 in a 0700 directory and is replaced atomically.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Session } from '../client/index.js';

/** The file's shape: the client's session with the user flattened; nothing secret but the token. */
export type SavedSession = Omit<Session, 'user'> & { user: string; userId: string; domain: string };

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEMANAGER_CONFIG_DIR) return env.DEMANAGER_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'demanager');
}

export function sessionPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'session.json');
}

export function toSaved(session: Session): SavedSession {
  return {
    url: session.url,
    token: session.token,
    projectId: session.projectId,
    projectName: session.projectName,
    apiBase: session.apiBase,
    expiresAt: session.expiresAt,
    user: session.user.name,
    userId: session.user.id,
    domain: session.user.domain,
    roles: session.roles,
  };
}

export function fromSaved(saved: SavedSession): Session {
  return {
    url: saved.url,
    token: saved.token,
    projectId: saved.projectId,
    projectName: saved.projectName,
    apiBase: saved.apiBase,
    expiresAt: saved.expiresAt,
    user: { id: saved.userId, name: saved.user, domain: saved.domain },
    roles: saved.roles,
  };
}

const REQUIRED_STRINGS = ['url', 'token', 'projectId', 'apiBase', 'expiresAt', 'user'] as const;

function parseSaved(text: string): SavedSession | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (!REQUIRED_STRINGS.every((key) => typeof record[key] === 'string' && record[key] !== '')) return undefined;
  const str = (key: string) => (typeof record[key] === 'string' ? record[key] : '');
  return {
    url: str('url'),
    token: str('token'),
    projectId: str('projectId'),
    projectName: str('projectName'),
    apiBase: str('apiBase'),
    expiresAt: str('expiresAt'),
    user: str('user'),
    userId: str('userId'),
    domain: str('domain'),
    roles: Array.isArray(record.roles) ? record.roles.filter((r): r is string => typeof r === 'string') : [],
  };
}

export type ReadResult =
  | { state: 'none' }
  | { state: 'corrupt'; path: string }
  | { state: 'ok'; session: SavedSession };

export function readSession(path = sessionPath()): ReadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    throw error;
  }
  const session = parseSaved(text);
  return session ? { state: 'ok', session } : { state: 'corrupt', path };
}

export function writeSession(session: SavedSession, path = sessionPath()): void {
  const dir = dirname(path);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode is filtered by the umask.
  }
  const temporary = `${path}.${process.pid}.tmp`;
  // Created 0600 from the first byte, so the token is never readable by others, even briefly.
  writeFileSync(temporary, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Answers whether there was a session to remove. */
export function removeSession(path = sessionPath()): boolean {
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

export function isExpired(session: SavedSession, now = Date.now()): boolean {
  const expires = Date.parse(session.expiresAt);
  return !Number.isNaN(expires) && expires <= now;
}
