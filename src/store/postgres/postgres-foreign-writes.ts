/**
 * @module store/postgres/postgres-foreign-writes
 * Foreign writes on PostgreSQL: one connection of its own `LISTEN`s on the channel the triggers of
 * migration 0018 notify, and tells each notification as it arrives, typically well under a
 * millisecond after the writer's commit on one host (later when the machine is starved of CPU).
 *
 * How late at most: the connection also sends a heartbeat query every interval, and PostgreSQL
 * delivers every notification committed before a query started before it answers that query. So
 * a write committed by time C is told before the answer to the first heartbeat sent after C; and
 * {@link caughtUp} holds only until two intervals after the sending of the last heartbeat
 * answered. A notification that has not arrived thus voids what was kept at most two intervals
 * (2 s) after the commit, also when the connection died without a word (a partition). Lost, the
 * connection is opened again every interval, and once it listens again `unknown` is told, since
 * notifications sent meanwhile were lost with it.
 *
 * Heard everywhere: the listening connections of the replicas find each other by their application
 * name (`demanager-listen:<id>`, set once they listen). To know its writes heard, a replica lists
 * the others' and sends a fence on a second channel; PostgreSQL delivers notifications in commit
 * order, so a replica that gets the fence has been told every write committed before it, and
 * answers with an acknowledgement on the same channel. The wait ends when every replica listed has
 * answered, or after two intervals, by when one that has not heard has stopped trusting anyway.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ForeignWrite, ForeignWrites } from '../../core/ports/store.js';

/** Migration 0018's channel. */
const CHANNEL = 'demanager_writes';
/** Fences and their acknowledgements: `fence:<from>:<n>`, `ack:<to>:<n>:<from>`. */
export const FENCES = 'demanager_fences';
/** A listening connection's application name, before its process's id. */
export const LISTENER = 'demanager-listen:';

export const FOREIGN_WRITES_HEARTBEAT_MS = 1_000;

function writeOf(payload: string | undefined): ForeignWrite {
  if (payload === 'identity') return { kind: 'identity' };
  if (payload?.startsWith('instance:')) return { kind: 'instance', id: payload.slice('instance:'.length) };
  return { kind: 'unknown' };
}

export class PostgresForeignWrites implements ForeignWrites {
  readonly #listeners = new Set<(write: ForeignWrite) => void>();
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  /** Until when (ms, `Date.now()`) what was told may be trusted: see the module's comment. */
  #aliveUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** This process among the replicas (its listening connection's name). */
  readonly #id = randomBytes(8).toString('hex');
  #fences = 0;
  /** Fences sent and not yet answered by everyone: the replicas still to answer, and the end of the wait. */
  readonly #fencing = new Map<number, { peers: Set<string>; heard: () => void }>();

  constructor(
    private readonly url: string,
    private readonly heartbeatMs = FOREIGN_WRITES_HEARTBEAT_MS,
  ) {}

  /** Resolves once it listens, or once the first try failed: then it tries again every interval. */
  async listen(listener: (write: ForeignWrite) => void): Promise<() => void> {
    this.#listeners.add(listener);
    await this.#connect().catch(() => this.#schedule());
    return () => this.#listeners.delete(listener);
  }

  caughtUp(): boolean {
    return this.#client !== null && Date.now() < this.#aliveUntil;
  }

  async heardEverywhere(): Promise<void> {
    let heard!: () => void;
    const done = new Promise<void>((resolve) => (heard = resolve));
    const bound = setTimeout(() => heard(), 2 * this.heartbeatMs);
    const n = ++this.#fences;
    try {
      const client = this.#client;
      // Not listening, nothing would hear the answers: the bound is all there is to wait for.
      if (!client) return await done;
      const listed = await client.query<{ id: string }>(
        `select substr(application_name, ${LISTENER.length + 1}) as id from pg_stat_activity
          where datname = current_database() and application_name like $1 and pid <> pg_backend_pid()`,
        [`${LISTENER}%`],
      );
      if (listed.rows.length === 0) return;
      this.#fencing.set(n, { peers: new Set(listed.rows.map((row) => row.id)), heard });
      await client.query('select pg_notify($1, $2)', [FENCES, `fence:${this.#id}:${n}`]);
      await done;
    } catch {
      // The connection failed under the fence: the bound still holds.
      await done;
    } finally {
      clearTimeout(bound);
      this.#fencing.delete(n);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #tell(write: ForeignWrite): void {
    for (const listener of [...this.#listeners]) listener(write);
  }

  /** A fence of another replica is answered; an answer to one of ours counts its sender. */
  #fence(client: pg.Client, payload: string): void {
    const [kind, to, n, from] = payload.split(':');
    if (kind === 'fence' && to !== this.#id) {
      // Every write committed before the fence was told before it arrived (commit order).
      client.query('select pg_notify($1, $2)', [FENCES, `ack:${to}:${n}:${this.#id}`]).catch(() => {});
    } else if (kind === 'ack' && to === this.#id && from !== undefined) {
      const fencing = this.#fencing.get(Number(n));
      fencing?.peers.delete(from);
      if (fencing?.peers.size === 0) fencing.heard();
    }
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    if (this.#client || this.#closed) return;
    // No statement timeout here: the connection only listens, and answers the heartbeat.
    const client = new pg.Client({ connectionString: this.url, fallback_application_name: 'demanager-listen' });
    client.on('notification', (message) => {
      if (message.channel === FENCES) this.#fence(client, message.payload ?? '');
      else this.#tell(writeOf(message.payload));
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    const sent = Date.now();
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}; listen ${FENCES}`);
      // Named only now: a replica that fences waits for the connections so named, which hear it.
      await client.query("select set_config('application_name', $1, false)", [LISTENER + this.#id]);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#aliveUntil = sent + 2 * this.heartbeatMs;
    // Whatever was written while nobody listened (before the first connection, or since the last one died).
    this.#tell({ kind: 'unknown' });
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#beat(), this.heartbeatMs);
    this.#timer.unref();
  }

  /** The heartbeat when connected; another try at connecting when not. */
  async #beat(): Promise<void> {
    const client = this.#client;
    const sent = Date.now();
    try {
      if (client) {
        // A connection that died without a word would leave the query unanswered for ever.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('heartbeat unanswered')), this.heartbeatMs);
        });
        await Promise.race([client.query('select 1'), late]).finally(() => clearTimeout(timer));
        if (this.#client === client) this.#aliveUntil = sent + 2 * this.heartbeatMs;
      } else {
        await this.#connect();
      }
    } catch {
      if (client) this.#lost(client);
    }
    this.#schedule();
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#aliveUntil = 0;
    client.end().catch(() => {});
    this.#schedule();
  }
}
