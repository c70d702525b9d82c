/**
 * @module proxy/notebook-access-cache
 * What the proxy's access check reads about an instance — the instance itself (its run, endpoint
 * and owner), who may open it (core/identity/notebook-openers), and which presented tokens are
 * whose — kept between requests, so that a request whose answer is already known reads nothing
 * (the store, the identity revision and the HMACs were most of what the proxy added to a small
 * notebook request; on PostgreSQL each read is a round trip).
 *
 * Kept only while nothing it was read from can have changed, which every write makes known before
 * it is answered:
 * - this process's writes of an instance drop that instance's entry as they commit
 *   (core/changes/committed-changes), and its writes of users, roles and shares drop every entry
 *   (the identity generation of core/changes/store-changes);
 * - other processes' writes arrive through the store's {@link ForeignWrites} (PostgreSQL
 *   notifications; SQLite's change counter, read on every request), an instance's dropping its
 *   entry, anything else every entry; and while the store cannot vouch that it has told every one
 *   (a lost notification connection), nothing is kept and every request reads the store.
 * A load that raced a write is used for its own request, as a read then would have been, and not
 * kept. At most {@link MAX_INSTANCES} instances are kept; an id with no instance never is.
 */
import type { CommittedChanges } from '../core/changes/committed-changes.js';
import { runIdOf, type InstanceTokens } from '../core/identity/instance-tokens.js';
import type { NotebookOpeners, Openers } from '../core/identity/notebook-openers.js';
import type { Instance } from '../core/model/instance.js';
import type { ForeignWrite, Store } from '../core/ports/store.js';
import type { Generation } from '../core/shared/read-cache.js';

/** Instances whose answers are kept; past this the least recently loaded go first. */
const MAX_INSTANCES = 10_000;
/** Distinct tokens remembered per instance (right or wrong), so that guessing cannot grow memory. */
const MAX_TOKENS = 64;

/** The facts of one instance as of one moment, and the tokens already matched against them. */
export class AccessFacts {
  readonly #holders = new Map<string, string | null>();
  #workloadToken: string | null | undefined;

  constructor(
    readonly instance: Instance,
    readonly openers: Openers,
    private readonly tokens: InstanceTokens,
  ) {}

  /** Whose `token` is among those who may open the instance, or null (see InstanceTokens.holderOf). */
  holderOf(token: string): string | null {
    let holder = this.#holders.get(token);
    if (holder === undefined) {
      holder = this.tokens.holderOf(this.instance, token, this.openers.users);
      if (this.#holders.size >= MAX_TOKENS) this.#holders.clear();
      this.#holders.set(token, holder);
    }
    return holder;
  }

  /** The workload's own token for the current run, or null when the instance has no run. */
  workloadToken(): string | null {
    if (this.#workloadToken === undefined) {
      const runId = runIdOf(this.instance);
      this.#workloadToken = runId === null ? null : this.tokens.workloadToken(this.instance.id, runId);
    }
    return this.#workloadToken;
  }
}

export interface NotebookAccessCacheDeps {
  store: Store;
  openers: NotebookOpeners;
  tokens: InstanceTokens;
  committed: CommittedChanges;
  /** Bumped by every write of users, roles or shares through this process's store. */
  identityWrites: Generation;
}

export class NotebookAccessCache {
  readonly #entries = new Map<string, AccessFacts>();
  /** Moves with every change that may void an entry: a load that saw it move keeps nothing. */
  #changes = 0;
  /** Whether other processes' writes are heard ({@link start}); nothing is kept before. */
  #hearing = false;
  readonly #stops: Array<() => void> = [];

  private readonly deps: NotebookAccessCacheDeps;

  constructor(deps: NotebookAccessCacheDeps) {
    this.deps = deps;
    this.#stops.push(
      deps.committed.subscribe((change) => this.#drop(change.kind === 'changed' ? change.instance.id : change.id)),
      deps.identityWrites.onBump(() => this.#dropAll()),
    );
  }

  /** Starts hearing of other processes' writes; until then nothing is kept. */
  async start(): Promise<void> {
    this.#stops.push(await this.deps.store.foreignWrites.listen((write) => this.#foreign(write)));
    this.#hearing = true;
  }

  close(): void {
    this.#hearing = false;
    for (const stop of this.#stops.splice(0)) stop();
    this.#dropAll();
  }

  /** The facts of instance `id` now, or undefined when there is no such instance. */
  async facts(id: string): Promise<AccessFacts | undefined> {
    // Asked first: on SQLite this is where another process's write is found (and drops entries).
    const trusted = this.#hearing && this.deps.store.foreignWrites.caughtUp();
    const kept = trusted ? this.#entries.get(id) : undefined;
    if (kept) return kept;
    const before = this.#changes;
    const instance = await this.deps.store.instances.getById(id);
    if (!instance) return undefined;
    const facts = new AccessFacts(instance, await this.deps.openers.of(instance), this.deps.tokens);
    if (trusted && before === this.#changes) {
      if (this.#entries.size >= MAX_INSTANCES) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(id, facts);
    }
    return facts;
  }

  #foreign(write: ForeignWrite): void {
    if (write.kind === 'instance') this.#drop(write.id);
    else this.#dropAll();
  }

  #drop(id: string): void {
    this.#changes += 1;
    this.#entries.delete(id);
  }

  #dropAll(): void {
    this.#changes += 1;
    this.#entries.clear();
  }
}
