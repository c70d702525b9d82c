/**
 * @module runtime/local/isolation/os-accounts
 * The OS accounts notebooks run as when the service isolates users: one unprivileged account per
 * demanager user (`dm-<12 hex>`), and one group per project (`dmp-<12 hex>`) that owns the
 * project's object storage. Names derive from the ids alone, so every replica and every restart
 * finds the same account; the account's comment holds the full id, so a name shared by two ids
 * (a 48-bit prefix collision) is refused rather than handed to the wrong person.
 *
 * Accounts are made with `useradd`: no password (locked), no login shell, no home of their own
 * (notebooks get a private HOME inside their instance directory). They are never removed by the
 * service: a removed account's number would be handed to the next account made, which would then
 * own the files the removed one left in shared storage.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsAccount {
  name: string;
  uid: number;
  /** The account's own primary group. */
  gid: number;
}

export const ACCOUNT_PREFIX = 'dm-';
export const PROJECT_GROUP_PREFIX = 'dmp-';

/** `<prefix><first 12 hex of the id>` for hex ids (demanager's own), else of the id's SHA-256. */
function shortId(id: string): string {
  const lower = id.toLowerCase();
  return /^[0-9a-f]{12,}$/.test(lower)
    ? lower.slice(0, 12)
    : createHash('sha256').update(id).digest('hex').slice(0, 12);
}

export function accountName(userId: string): string {
  return `${ACCOUNT_PREFIX}${shortId(userId)}`;
}

export function projectGroupName(projectId: string): string {
  return `${PROJECT_GROUP_PREFIX}${shortId(projectId)}`;
}

function comment(userId: string): string {
  return `demanager user ${userId}`;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

/** A `getent` entry split on `:`, or null when there is none. */
async function getent(database: 'passwd' | 'group', name: string): Promise<string[] | null> {
  try {
    const { stdout } = await run('getent', [database, name], { encoding: 'utf8' });
    return stdout.trim().split(':');
  } catch (err) {
    // getent exits 2 for "no such key"; anything else is a broken system worth hearing about.
    if ((err as { code?: unknown }).code === 2) return null;
    throw err;
  }
}

/**
 * useradd and groupadd take a lock on /etc/passwd and /etc/group and fail at once when another
 * holds it (exit 10 for the group files, 1 with "cannot lock" for passwd); two starts of one
 * service are serialized below, but another replica or an operator may hold it.
 */
async function withLockRetry(command: string, args: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run(command, args, { encoding: 'utf8' });
      return;
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '');
      if (attempt < 20 && /lock/i.test(stderr)) {
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      throw err;
    }
  }
}

/** The entry of `name`, made by `add` (a command line) when there is none. */
async function ensured(database: 'passwd' | 'group', name: string, add: [string, ...string[]]): Promise<string[]> {
  const found = await getent(database, name);
  if (found) return found;
  try {
    await withLockRetry(add[0], add.slice(1));
  } catch (err) {
    // Another replica may have made it between our look and ours (exit 9: the name is in use).
    if ((err as { code?: unknown }).code !== 9)
      throw new AccountError(`${add[0]} ${name} failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`);
  }
  const made = await getent(database, name);
  if (!made) throw new AccountError(`${name} was made but cannot be looked up`);
  return made;
}

/**
 * What was looked up, kept while the file it came from is unchanged: each start looks up its
 * account and group, and a `getent` costs a process start, much of a warm server's hand-over. Any
 * change to the file (an operator's userdel, which would free the number for the next account)
 * empties the cache.
 */
class LookupCache<T> {
  readonly #entries = new Map<string, T>();
  #stamp = -1;

  constructor(private readonly file: string) {}

  async get(key: string, look: () => Promise<T>): Promise<T> {
    const stamp = await this.#mtime();
    if (stamp !== this.#stamp) {
      this.#entries.clear();
      this.#stamp = stamp;
    }
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    const found = await look();
    // Kept only if nothing changed the file meanwhile (a useradd of ours does: looked up again next time).
    if ((await this.#mtime()) === stamp) this.#entries.set(key, found);
    return found;
  }

  async #mtime(): Promise<number> {
    return stat(this.file).then(
      (s) => s.mtimeMs,
      () => Number.NaN,
    );
  }
}

/** Makes accounts and groups on demand; one at a time within this process. */
export class OsAccounts {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #accounts = new LookupCache<OsAccount>('/etc/passwd');
  readonly #groups = new LookupCache<number>('/etc/group');

  /** The user's account, made if missing. */
  account(userId: string): Promise<OsAccount> {
    return this.#accounts.get(userId, () => this.#account(userId));
  }

  #account(userId: string): Promise<OsAccount> {
    return this.#serial(async () => {
      const name = accountName(userId);
      const add: [string, ...string[]] = [
        'useradd',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        '--user-group',
        '--comment',
        comment(userId),
        name,
      ];
      const entry = await ensured('passwd', name, add);
      if (entry[4] !== comment(userId)) {
        throw new AccountError(
          `the OS account ${name} exists but is not demanager's account of user ${userId} (its comment is ${JSON.stringify(entry[4])})`,
        );
      }
      return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
    });
  }

  /** The project's group id, made if missing. */
  projectGroup(projectId: string): Promise<number> {
    return this.#groups.get(projectId, () => this.#projectGroup(projectId));
  }

  #projectGroup(projectId: string): Promise<number> {
    return this.#serial(async () => {
      const name = projectGroupName(projectId);
      return Number((await ensured('group', name, ['groupadd', name]))[2]);
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
