/**
 * @module test/store/store-contract
 * The one behavioural contract of `Store`, run against every implementation in
 * {@link STORE_FACTORIES}; each case gets a fresh database.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Instance } from '../../src/core/model/instance.js';
import {
  DuplicateKeyError,
  DuplicateNameError,
  InstanceIdTakenError,
  type InstancePage,
  type InstanceQuery,
  type Store,
} from '../../src/core/ports/store.js';
import { T0, makeInstance, makeProject, makeSparseInstance, makeToken, makeUser } from './fixtures.js';
import { STORE_FACTORIES, type TestDatabase } from './store-factories.js';

function query(overrides: Partial<InstanceQuery> = {}): InstanceQuery {
  return { projectId: 'project-a', sortBy: 'name', order: 'asc', offset: 0, limit: 0, ...overrides };
}

function names(page: InstancePage): string[] {
  return page.items.map((i) => i.name);
}

function sortedIds(instances: readonly Instance[]): string[] {
  return instances.map((i) => i.id).sort();
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract (${factory.name})`, () => {
    let database: TestDatabase;
    let store: Store;
    // Set once each is made, so a failed beforeEach is the only error its case reports.
    let databaseMade = false;
    let storeOpen = false;

    beforeEach(async () => {
      databaseMade = false;
      storeOpen = false;
      database = await factory.createDatabase();
      databaseMade = true;
      store = await database.open();
      storeOpen = true;
    });

    afterEach(async () => {
      try {
        if (storeOpen) await store.close();
      } finally {
        if (databaseMade) await database.drop();
      }
    });

    async function insertAll(...instances: Instance[]): Promise<void> {
      for (const instance of instances) await store.instances.insert(instance);
    }

    describe('instances: insert and read', () => {
      it('round-trips a fully populated instance through get and getById', async () => {
        const instance = makeInstance();
        await store.instances.insert(instance);
        assert.deepEqual(await store.instances.get(instance.projectId, instance.id), instance);
        assert.deepEqual(await store.instances.getById(instance.id), instance);
      });

      it('round-trips an instance whose nullable fields are all null', async () => {
        const instance = makeSparseInstance();
        await store.instances.insert(instance);
        const stored = await store.instances.getById(instance.id);
        assert.deepEqual(stored, instance);
        assert.equal(stored?.pool, null);
        assert.equal(stored?.runtime, null);
        assert.equal(stored?.spec.extend_storage, null);
      });

      it('round-trips nulls nested inside objects', async () => {
        const instance = makeInstance({
          pool: { id: 'pool-x', name: 'x', type: 'DEDICATED', owner: null },
          failedReasons: { code: 'X', message: 'y', detail: null },
          runtime: { endpoint: null, data: {} },
        });
        await store.instances.insert(instance);
        assert.deepEqual(await store.instances.getById(instance.id), instance);
      });

      it('stores a new instance with version 1 whatever version it carries', async () => {
        const instance = makeInstance({ version: 7 });
        await store.instances.insert(instance);
        assert.equal((await store.instances.getById(instance.id))?.version, 1);
      });

      it('finds nothing for an unknown id or the wrong project', async () => {
        const instance = makeInstance({ projectId: 'project-a' });
        await store.instances.insert(instance);
        assert.equal(await store.instances.getById('DE-missing'), undefined);
        assert.equal(await store.instances.get('project-a', 'DE-missing'), undefined);
        assert.equal(await store.instances.get('project-b', instance.id), undefined);
      });

      it('rejects a second instance with the same name in the same project', async () => {
        const first = makeInstance({ projectId: 'project-a', name: 'same' });
        const second = makeInstance({ projectId: 'project-a', name: 'same', flavor: 'other' });
        await store.instances.insert(first);
        await assert.rejects(store.instances.insert(second), DuplicateNameError);
        assert.equal(await store.instances.getById(second.id), undefined);
        assert.deepEqual(await store.instances.getById(first.id), first);
      });

      it('tells an id already taken (a warm server claimed twice) from a name already taken, and writes nothing', async () => {
        const first = makeInstance({ projectId: 'project-a', name: 'first' });
        await store.instances.insert(first);
        const again = makeInstance({ id: first.id, projectId: 'project-b', name: 'other' });
        await assert.rejects(store.instances.insert(again), InstanceIdTakenError);
        assert.deepEqual(await store.instances.getById(first.id), first);
        assert.equal(await store.instances.get('project-b', first.id), undefined);
        const counted = await store.instances.countInStatuses([first.status]);
        assert.equal(
          [...counted.values()].reduce((a, b) => a + b, 0),
          1,
          'the refused write counted nothing',
        );
      });

      it('allows the same name in another project', async () => {
        const first = makeInstance({ projectId: 'project-a', name: 'same' });
        const second = makeInstance({ projectId: 'project-b', name: 'same' });
        await insertAll(first, second);
        assert.deepEqual(await store.instances.get('project-b', second.id), second);
      });
    });

    describe('instances: list', () => {
      const user1 = { id: 'user-1', name: 'alice' };
      const user2 = { id: 'user-2', name: 'bob' };
      const pool = (id: string) => ({ id, name: id, type: 'USER_DEFINED', owner: null });

      async function seedForFilters(): Promise<void> {
        await insertAll(
          makeInstance({
            name: 'a1',
            user: user1,
            status: 'RUNNING',
            workspaceId: '0',
            aiProjectId: 'p1',
            pool: pool('pool-1'),
          }),
          makeInstance({ name: 'a2', user: user2, status: 'STOPPED', workspaceId: '1', aiProjectId: 'p2', pool: null }),
          makeInstance({
            name: 'a3',
            user: user1,
            status: 'STOPPED',
            workspaceId: '1',
            aiProjectId: 'p1',
            pool: pool('pool-2'),
          }),
          makeInstance({
            name: 'a4',
            user: user2,
            status: 'RUNNING',
            workspaceId: '0',
            aiProjectId: 'p2',
            pool: pool('pool-1'),
          }),
          makeInstance({ projectId: 'project-b', name: 'b1', user: user1, status: 'RUNNING', pool: pool('pool-1') }),
        );
      }

      it('lists only the given project', async () => {
        await seedForFilters();
        const page = await store.instances.list(query());
        assert.deepEqual(names(page), ['a1', 'a2', 'a3', 'a4']);
        assert.equal(page.total, 4);
        assert.deepEqual(names(await store.instances.list(query({ projectId: 'project-b' }))), ['b1']);
        assert.deepEqual(await store.instances.list(query({ projectId: 'project-none' })), { items: [], total: 0 });
      });

      it('returns whole instances', async () => {
        const instance = makeInstance();
        await store.instances.insert(instance);
        assert.deepEqual((await store.instances.list(query())).items, [instance]);
      });

      const filterCases: Array<[string, Partial<InstanceQuery>, string[]]> = [
        ['userId', { userId: 'user-1' }, ['a1', 'a3']],
        ['status', { status: 'STOPPED' }, ['a2', 'a3']],
        ['workspaceId', { workspaceId: '1' }, ['a2', 'a3']],
        ['aiProjectId', { aiProjectId: 'p2' }, ['a2', 'a4']],
        ['poolId', { poolId: 'pool-1' }, ['a1', 'a4']],
        ['user and status', { userId: 'user-2', status: 'RUNNING' }, ['a4']],
        [
          'every filter at once',
          { userId: 'user-1', status: 'RUNNING', workspaceId: '0', aiProjectId: 'p1', poolId: 'pool-1' },
          ['a1'],
        ],
        ['filters matching nothing', { userId: 'user-1', aiProjectId: 'p2' }, []],
      ];
      for (const [label, filter, expected] of filterCases) {
        it(`filters by ${label}, with a matching total`, async () => {
          await seedForFilters();
          const page = await store.instances.list(query(filter));
          assert.deepEqual(names(page), expected);
          assert.equal(page.total, expected.length);
        });
      }

      async function seedForSorting(): Promise<void> {
        // created_at ties between alpha and charlie, so the id decides between them.
        await insertAll(
          makeInstance({ id: 'DE-3', name: 'bravo', createdAt: T0 + 300 }),
          makeInstance({ id: 'DE-1', name: 'delta', createdAt: T0 + 100 }),
          makeInstance({ id: 'DE-4', name: 'alpha', createdAt: T0 + 200 }),
          makeInstance({ id: 'DE-2', name: 'charlie', createdAt: T0 + 200 }),
        );
      }

      const sortCases: Array<[InstanceQuery['sortBy'], InstanceQuery['order'], string[]]> = [
        ['name', 'asc', ['alpha', 'bravo', 'charlie', 'delta']],
        ['name', 'desc', ['delta', 'charlie', 'bravo', 'alpha']],
        ['creation_timestamp', 'asc', ['delta', 'charlie', 'alpha', 'bravo']],
        // The id tie-break follows the direction, so descending is exactly ascending reversed.
        ['creation_timestamp', 'desc', ['bravo', 'alpha', 'charlie', 'delta']],
      ];
      for (const [sortBy, order, expected] of sortCases) {
        it(`sorts by ${sortBy} ${order}`, async () => {
          await seedForSorting();
          assert.deepEqual(names(await store.instances.list(query({ sortBy, order }))), expected);
        });
      }

      // Byte (code point) order: '-' < digits < upper case < '_' < lower case < non-ASCII. A locale
      // collation would interleave cases and ignore punctuation, and pages would differ by dialect.
      const BYTE_ORDERED_NAMES = [
        '-x',
        '9lives',
        'Alpha',
        'BETA',
        'Beta',
        'Z',
        '_x',
        'a',
        'alpha-2',
        'alpha2',
        'alpha_2',
        'beta',
        'zz',
        'Ärger',
        'éclair',
      ];

      it('sorts names by bytes: mixed case, digits, "-" and "_" in the same order on every dialect', async () => {
        // Inserted in an order that is neither sorted nor reversed.
        const shuffled = BYTE_ORDERED_NAMES.map((name, i) => ({ name, key: (i * 7) % BYTE_ORDERED_NAMES.length }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.name);
        await insertAll(...shuffled.map((name) => makeInstance({ name })));
        assert.deepEqual(
          names(await store.instances.list(query({ sortBy: 'name', order: 'asc' }))),
          BYTE_ORDERED_NAMES,
        );
        assert.deepEqual(
          names(await store.instances.list(query({ sortBy: 'name', order: 'desc' }))),
          [...BYTE_ORDERED_NAMES].reverse(),
        );
        const page = await store.instances.list(query({ sortBy: 'name', order: 'asc', offset: 3, limit: 4 }));
        assert.deepEqual(names(page), BYTE_ORDERED_NAMES.slice(3, 7));
        assert.equal(page.total, BYTE_ORDERED_NAMES.length);
      });

      it('breaks creation-time ties by id in byte order', async () => {
        const ids = ['DE-A', 'DE-B', 'DE-_', 'DE-a', 'DE-b'];
        await insertAll(...[...ids].reverse().map((id) => makeInstance({ id, name: `n${id}`, createdAt: T0 })));
        const ordered = (order: InstanceQuery['order']) =>
          store.instances.list(query({ sortBy: 'creation_timestamp', order })).then((p) => p.items.map((i) => i.id));
        assert.deepEqual(await ordered('asc'), ids);
        assert.deepEqual(await ordered('desc'), [...ids].reverse());
      });

      it('pages with offset and limit while total counts every match', async () => {
        await insertAll(...['n1', 'n2', 'n3', 'n4', 'n5'].map((name) => makeInstance({ name })));
        const cases: Array<[number, number, string[]]> = [
          [0, 2, ['n1', 'n2']],
          [2, 2, ['n3', 'n4']],
          [4, 2, ['n5']],
          [10, 2, []],
          [0, 0, ['n1', 'n2', 'n3', 'n4', 'n5']],
          [3, 0, ['n4', 'n5']],
          [0, 10, ['n1', 'n2', 'n3', 'n4', 'n5']],
        ];
        for (const [offset, limit, expected] of cases) {
          const page = await store.instances.list(query({ offset, limit }));
          assert.deepEqual(names(page), expected, `offset ${offset} limit ${limit}`);
          assert.equal(page.total, 5, `offset ${offset} limit ${limit}`);
        }
        const descending = await store.instances.list(query({ order: 'desc', offset: 1, limit: 2 }));
        assert.deepEqual(names(descending), ['n4', 'n3']);
      });

      it('counts only filtered matches in total when paging', async () => {
        await seedForFilters();
        const page = await store.instances.list(query({ status: 'STOPPED', limit: 1, offset: 1 }));
        assert.deepEqual(names(page), ['a3']);
        assert.equal(page.total, 2);
      });
    });

    describe('instances: listByStatus and countByFlavor', () => {
      it('lists instances of every project in any of the statuses', async () => {
        const starting = makeInstance({ projectId: 'project-a', status: 'STARTING' });
        const stopping = makeInstance({ projectId: 'project-b', status: 'STOPPING' });
        const running = makeInstance({ projectId: 'project-a', status: 'RUNNING' });
        await insertAll(starting, stopping, running);
        const found = await store.instances.listByStatus(['STARTING', 'STOPPING']);
        assert.deepEqual(sortedIds(found), sortedIds([starting, stopping]));
        assert.deepEqual(await store.instances.listByStatus(['RUNNING']), [running]);
        assert.deepEqual(await store.instances.listByStatus(['DELETED']), []);
        assert.deepEqual(await store.instances.listByStatus([]), []);
      });

      it('narrows to one flavor when asked', async () => {
        const f1 = makeInstance({ status: 'START_QUEUING', flavor: 'f1' });
        const f2 = makeInstance({ status: 'START_QUEUING', flavor: 'f2' });
        await insertAll(f1, f2);
        assert.deepEqual(await store.instances.listByStatus(['START_QUEUING', 'CREATE_QUEUING'], 'f2'), [f2]);
        assert.deepEqual(await store.instances.listByStatus(['START_QUEUING'], 'f3'), []);
      });

      it('counts one user’s instances per flavor in one project', async () => {
        const alice = { id: 'user-1', name: 'alice' };
        const bob = { id: 'user-2', name: 'bob' };
        await insertAll(
          makeInstance({ user: alice, flavor: 'f1' }),
          makeInstance({ user: alice, flavor: 'f1' }),
          makeInstance({ user: alice, flavor: 'f2' }),
          makeInstance({ user: bob, flavor: 'f1' }),
          makeInstance({ projectId: 'project-b', user: alice, flavor: 'f3' }),
        );
        assert.deepEqual(
          await store.instances.countByFlavor('project-a', 'user-1'),
          new Map([
            ['f1', 2],
            ['f2', 1],
          ]),
        );
        assert.deepEqual(await store.instances.countByFlavor('project-a', 'user-2'), new Map([['f1', 1]]));
        assert.deepEqual(await store.instances.countByFlavor('project-b', 'user-1'), new Map([['f3', 1]]));
        assert.deepEqual(await store.instances.countByFlavor('project-a', 'user-9'), new Map());
      });
    });

    describe('instances: due times', () => {
      const MIN = 60_000;
      it('finds the earliest deadline and what is due by a time, earliest first, in batches', async () => {
        const late = makeInstance({ status: 'RUNNING', stopAt: T0 + 30 * MIN });
        const soon = makeInstance({ status: 'RUNNING', stopAt: T0 + 10 * MIN });
        const sooner = makeInstance({ status: 'RUNNING', stopAt: T0 + 5 * MIN });
        const unbounded = makeInstance({ status: 'RUNNING', stopAt: null });
        // A deadline left on a record that no longer runs is not due.
        const stale = makeInstance({ status: 'STOPPED', stopAt: T0 + MIN });
        await insertAll(late, soon, sooner, unbounded, stale);
        assert.equal(await store.instances.earliest({ field: 'stopAt', status: 'RUNNING' }), T0 + 5 * MIN);
        const due = await store.instances.listDue({
          field: 'stopAt',
          status: 'RUNNING',
          until: T0 + 10 * MIN,
          limit: 10,
        });
        assert.deepEqual(
          due.map((i) => i.id),
          [sooner.id, soon.id],
        );
        assert.deepEqual(
          (await store.instances.listDue({ field: 'stopAt', status: 'RUNNING', until: T0 + 60 * MIN, limit: 1 })).map(
            (i) => i.id,
          ),
          [sooner.id],
        );
        assert.deepEqual(
          await store.instances.listDue({ field: 'stopAt', status: 'RUNNING', until: T0, limit: 10 }),
          [],
        );
      });

      it('follows each write: a stop clears the deadline, a rest starts from idleSince or the last change', async () => {
        const running = makeInstance({ status: 'RUNNING', stopAt: T0 + MIN, flavor: 'f1' });
        await insertAll(running);
        const stopped = await store.instances.update({ ...running, status: 'STOPPED', idleSince: T0 + 2 * MIN });
        assert.ok(stopped);
        assert.equal(await store.instances.earliest({ field: 'stopAt', status: 'RUNNING' }), null);
        assert.equal(
          await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: 'f1' }),
          T0 + 2 * MIN,
        );
        assert.equal(await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: 'f2' }), null);
        const legacy = makeInstance({
          status: 'START_FAILED',
          idleSince: undefined,
          updatedAt: T0 + 3 * MIN,
          flavor: 'f1',
        });
        await insertAll(legacy);
        assert.equal(
          await store.instances.earliest({ field: 'restingSince', status: 'START_FAILED', flavor: 'f1' }),
          T0 + 3 * MIN,
        );
        const reserved = makeInstance({ status: 'READY_TO_START', reservedAt: T0 + 4 * MIN, flavor: 'f1' });
        await insertAll(reserved);
        assert.deepEqual(
          (
            await store.instances.listDue({
              field: 'reservedAt',
              status: 'READY_TO_START',
              flavor: 'f1',
              until: T0 + 4 * MIN,
              limit: 5,
            })
          ).map((i) => i.id),
          [reserved.id],
        );
      });
    });

    describe('instances: compare-and-set update and delete', () => {
      it('writes when the version matches and returns the instance with the next version', async () => {
        const original = makeInstance({
          name: 'before',
          status: 'RUNNING',
          flavor: 'f1',
          pool: { id: 'pool-1', name: 'p', type: 't', owner: null },
        });
        await store.instances.insert(original);
        const changed: Instance = {
          ...original,
          name: 'after',
          status: 'STOPPED',
          flavor: 'f2',
          pool: null,
          runtime: null,
          description: 'changed',
          updatedAt: original.updatedAt + 1000,
        };
        const written = await store.instances.update(changed);
        assert.deepEqual(written, { ...changed, version: 2 });
        assert.deepEqual(await store.instances.getById(original.id), { ...changed, version: 2 });
      });

      it('keeps the filter and sort columns in step with the document', async () => {
        const original = makeInstance({
          name: 'before',
          status: 'RUNNING',
          flavor: 'f1',
          workspaceId: '0',
          pool: { id: 'pool-1', name: 'p', type: 't', owner: null },
        });
        const other = makeInstance({ name: 'middle', createdAt: T0 + 500, pool: null });
        await insertAll(original, other);
        await store.instances.update({
          ...original,
          name: 'zulu',
          status: 'STOPPED',
          flavor: 'f2',
          workspaceId: '9',
          aiProjectId: 'p9',
          user: { id: 'user-9', name: 'zed' },
          pool: { id: 'pool-9', name: 'p9', type: 't', owner: null },
          intent: { kind: 'stop', at: T0 + 800, by: 'system' },
          createdAt: T0 + 900,
        });
        const only = async (q: Partial<InstanceQuery>) => names(await store.instances.list(query(q)));
        assert.deepEqual(await only({ status: 'STOPPED' }), ['zulu']);
        assert.deepEqual(await only({ status: 'RUNNING' }), ['middle']);
        assert.deepEqual(await only({ userId: 'user-9' }), ['zulu']);
        assert.deepEqual(await only({ workspaceId: '9' }), ['zulu']);
        assert.deepEqual(await only({ aiProjectId: 'p9' }), ['zulu']);
        assert.deepEqual(await only({ poolId: 'pool-9' }), ['zulu']);
        assert.deepEqual(await only({ poolId: 'pool-1' }), []);
        assert.deepEqual(await only({ sortBy: 'name' }), ['middle', 'zulu']);
        assert.deepEqual(await only({ sortBy: 'creation_timestamp', order: 'desc' }), ['zulu', 'middle']);
        assert.deepEqual(await store.instances.countByFlavor('project-a', 'user-9'), new Map([['f2', 1]]));
        assert.deepEqual(sortedIds(await store.instances.listByStatus(['STOPPED'])), [original.id]);
      });

      it('refuses a stale version and changes nothing', async () => {
        const original = makeInstance({ status: 'RUNNING' });
        await store.instances.insert(original);
        const v2 = await store.instances.update({ ...original, status: 'STOPPING' });
        assert.equal(v2?.version, 2);
        assert.equal(await store.instances.update({ ...original, status: 'DELETING', name: 'lost' }), undefined);
        assert.deepEqual(await store.instances.getById(original.id), { ...original, status: 'STOPPING', version: 2 });
        assert.equal(await store.instances.update({ ...original, version: 5 }), undefined);
        const v3 = await store.instances.update({ ...original, status: 'STOPPED', version: 2 });
        assert.equal(v3?.version, 3);
        assert.equal((await store.instances.getById(original.id))?.status, 'STOPPED');
      });

      it('lets exactly one of two concurrent writers of the same version win', async () => {
        const original = makeInstance({ status: 'RUNNING' });
        await store.instances.insert(original);
        const results = await Promise.all([
          store.instances.update({ ...original, status: 'STOPPING' }),
          store.instances.update({ ...original, status: 'RESTARTING' }),
        ]);
        const winners = results.filter((r) => r !== undefined);
        assert.equal(winners.length, 1);
        assert.deepEqual(await store.instances.getById(original.id), winners[0]);
      });

      it('returns undefined when updating an instance that does not exist', async () => {
        assert.equal(await store.instances.update(makeInstance()), undefined);
        assert.equal((await store.instances.list(query())).total, 0);
      });

      it('rejects renaming onto a name taken in the project and keeps the stored instance', async () => {
        const taken = makeInstance({ name: 'taken' });
        const mover = makeInstance({ name: 'mover' });
        await insertAll(taken, mover);
        await assert.rejects(store.instances.update({ ...mover, name: 'taken' }), DuplicateNameError);
        assert.deepEqual(await store.instances.getById(mover.id), mover);
      });

      it('deletes only at the current version', async () => {
        const instance = makeInstance();
        const bystander = makeInstance();
        await insertAll(instance, bystander);
        await store.instances.update({ ...instance, status: 'DELETING' });
        assert.equal(await store.instances.delete(instance.id, 1), false);
        assert.equal((await store.instances.getById(instance.id))?.version, 2);
        assert.equal(await store.instances.delete(instance.id, 2), true);
        assert.equal(await store.instances.getById(instance.id), undefined);
        assert.equal(await store.instances.delete(instance.id, 2), false);
        assert.equal(await store.instances.delete('DE-missing', 1), false);
        assert.deepEqual(await store.instances.getById(bystander.id), bystander);
      });

      it('frees the name of a deleted instance', async () => {
        const first = makeInstance({ name: 'reused' });
        await store.instances.insert(first);
        assert.equal(await store.instances.delete(first.id, 1), true);
        const second = makeInstance({ name: 'reused' });
        await store.instances.insert(second);
        assert.deepEqual(await store.instances.getById(second.id), second);
      });
    });

    describe('identity: users', () => {
      it('inserts, gets, finds by name and lists users, booleans included', async () => {
        const admin = makeUser({ name: 'root', isSystemAdmin: true, enabled: true });
        const disabled = makeUser({ name: 'carol', isSystemAdmin: false, enabled: false });
        const elsewhere = makeUser({ name: 'root', domain: 'Other' });
        for (const user of [admin, disabled, elsewhere]) await store.identity.insertUser(user);
        assert.deepEqual(await store.identity.getUser(admin.id), admin);
        assert.deepEqual(await store.identity.getUser(disabled.id), disabled);
        assert.deepEqual(await store.identity.findUserByName('Default', 'root'), admin);
        assert.deepEqual(await store.identity.findUserByName('Other', 'root'), elsewhere);
        assert.equal(await store.identity.findUserByName('Default', 'nobody'), undefined);
        assert.equal(await store.identity.findUserByName('Nowhere', 'root'), undefined);
        assert.equal(await store.identity.getUser('user-missing'), undefined);
        assert.deepEqual(
          [...(await store.identity.listUsers())].sort((a, b) => a.id.localeCompare(b.id)),
          [admin, disabled, elsewhere].sort((a, b) => a.id.localeCompare(b.id)),
        );
      });

      it('lists users by domain, then name, in byte order', async () => {
        const keys: Array<[string, string]> = [
          ['Default', 'Bob'],
          ['Default', 'alice'],
          ['Default', 'alice-2'],
          ['Default', 'alice_2'],
          ['Other', 'Zed'],
          ['default', 'aaron'],
        ];
        for (const [domain, name] of [...keys].reverse()) await store.identity.insertUser(makeUser({ domain, name }));
        const listed = (await store.identity.listUsers()).map((u) => [u.domain, u.name]);
        assert.deepEqual(listed, keys);
      });

      it('rejects a duplicate name in the same domain and a duplicate id', async () => {
        const user = makeUser({ name: 'dave' });
        await store.identity.insertUser(user);
        await assert.rejects(store.identity.insertUser(makeUser({ name: 'dave' })), DuplicateKeyError);
        await assert.rejects(store.identity.insertUser(makeUser({ id: user.id })), DuplicateKeyError);
        assert.deepEqual(await store.identity.listUsers(), [user]);
      });

      it('updates every field but the id and creation time', async () => {
        const user = makeUser({ name: 'erin' });
        await store.identity.insertUser(user);
        const changed = {
          ...user,
          name: 'erin2',
          domain: 'Other',
          passwordHash: 'scrypt$new',
          isSystemAdmin: true,
          enabled: false,
        };
        await store.identity.updateUser({ ...changed, createdAt: user.createdAt + 5 });
        assert.deepEqual(await store.identity.getUser(user.id), changed);
        assert.deepEqual(await store.identity.findUserByName('Other', 'erin2'), changed);
        assert.equal(await store.identity.findUserByName('Default', 'erin'), undefined);
      });

      it('rejects renaming a user onto a taken name', async () => {
        const taken = makeUser({ name: 'taken' });
        const mover = makeUser({ name: 'mover' });
        await store.identity.insertUser(taken);
        await store.identity.insertUser(mover);
        await assert.rejects(store.identity.updateUser({ ...mover, name: 'taken' }), DuplicateKeyError);
        assert.deepEqual(await store.identity.getUser(mover.id), mover);
      });

      it('deletes a user with its role assignments and tokens, and nobody else’s', async () => {
        const [gone, kept] = [makeUser(), makeUser()];
        const [p1, p2] = [makeProject(), makeProject()];
        for (const user of [gone, kept]) await store.identity.insertUser(user);
        for (const project of [p1, p2]) await store.identity.insertProject(project);
        await store.identity.assignRole({ projectId: p1.id, userId: gone.id, role: 'admin' });
        await store.identity.assignRole({ projectId: p2.id, userId: gone.id, role: 'member' });
        await store.identity.assignRole({ projectId: p1.id, userId: kept.id, role: 'member' });
        const goneToken = makeToken(gone.id, p1.id);
        const keptToken = makeToken(kept.id, p1.id);
        await store.identity.insertToken(goneToken);
        await store.identity.insertToken(keptToken);

        assert.equal(await store.identity.deleteUser(gone.id), true);
        assert.equal(await store.identity.getUser(gone.id), undefined);
        assert.deepEqual(await store.identity.listAssignments({ userId: gone.id }), []);
        assert.equal(await store.identity.findToken(goneToken.hash), undefined);
        assert.deepEqual(await store.identity.listAssignments({}), [
          { projectId: p1.id, userId: kept.id, role: 'member' },
        ]);
        assert.deepEqual(await store.identity.findToken(keptToken.hash), keptToken);
        assert.equal(await store.identity.deleteUser(gone.id), false);
      });
    });

    describe('identity: projects', () => {
      it('inserts, gets, finds by name and lists projects', async () => {
        const a = makeProject({ name: 'alpha' });
        const b = makeProject({ name: 'alpha', domain: 'Other' });
        await store.identity.insertProject(a);
        await store.identity.insertProject(b);
        assert.deepEqual(await store.identity.getProject(a.id), a);
        assert.deepEqual(await store.identity.findProjectByName('Default', 'alpha'), a);
        assert.deepEqual(await store.identity.findProjectByName('Other', 'alpha'), b);
        assert.equal(await store.identity.findProjectByName('Default', 'beta'), undefined);
        assert.equal(await store.identity.getProject('project-missing'), undefined);
        assert.deepEqual(
          [...(await store.identity.listProjects())].sort((x, y) => x.id.localeCompare(y.id)),
          [a, b].sort((x, y) => x.id.localeCompare(y.id)),
        );
      });

      it('lists projects by domain, then name, in byte order', async () => {
        const keys: Array<[string, string]> = [
          ['Default', 'Ops'],
          ['Default', 'dev-a'],
          ['Default', 'dev_a'],
          ['Default', 'deva'],
          ['default', 'Zeta'],
        ];
        for (const [domain, name] of [...keys].reverse())
          await store.identity.insertProject(makeProject({ domain, name }));
        const listed = (await store.identity.listProjects()).map((p) => [p.domain, p.name]);
        assert.deepEqual(listed, keys);
      });

      it('rejects a duplicate name in the same domain and a duplicate id', async () => {
        const project = makeProject({ name: 'dup' });
        await store.identity.insertProject(project);
        await assert.rejects(store.identity.insertProject(makeProject({ name: 'dup' })), DuplicateKeyError);
        await assert.rejects(store.identity.insertProject(makeProject({ id: project.id })), DuplicateKeyError);
        assert.deepEqual(await store.identity.listProjects(), [project]);
      });

      it('deletes a project with its role assignments and tokens, and nothing else', async () => {
        const user = makeUser();
        const [gone, kept] = [makeProject(), makeProject()];
        await store.identity.insertUser(user);
        for (const project of [gone, kept]) await store.identity.insertProject(project);
        await store.identity.assignRole({ projectId: gone.id, userId: user.id, role: 'admin' });
        await store.identity.assignRole({ projectId: kept.id, userId: user.id, role: 'member' });
        const goneToken = makeToken(user.id, gone.id);
        const keptToken = makeToken(user.id, kept.id);
        await store.identity.insertToken(goneToken);
        await store.identity.insertToken(keptToken);

        assert.equal(await store.identity.deleteProject(gone.id), true);
        assert.equal(await store.identity.getProject(gone.id), undefined);
        assert.deepEqual(await store.identity.listAssignments({}), [
          { projectId: kept.id, userId: user.id, role: 'member' },
        ]);
        assert.equal(await store.identity.findToken(goneToken.hash), undefined);
        assert.deepEqual(await store.identity.findToken(keptToken.hash), keptToken);
        assert.deepEqual(await store.identity.getUser(user.id), user);
        assert.equal(await store.identity.deleteProject(gone.id), false);
      });
    });

    describe('identity: role assignments', () => {
      it('assigns idempotently, lists by project and user, and unassigns', async () => {
        const [u1, u2] = [makeUser(), makeUser()];
        const [p1, p2] = [makeProject(), makeProject()];
        for (const user of [u1, u2]) await store.identity.insertUser(user);
        for (const project of [p1, p2]) await store.identity.insertProject(project);
        const u1p1Admin = { projectId: p1.id, userId: u1.id, role: 'admin' } as const;
        const u1p1Member = { projectId: p1.id, userId: u1.id, role: 'member' } as const;
        const u2p1Member = { projectId: p1.id, userId: u2.id, role: 'member' } as const;
        const u1p2Member = { projectId: p2.id, userId: u1.id, role: 'member' } as const;
        for (const a of [u1p1Admin, u1p1Member, u2p1Member, u1p2Member, u1p1Admin]) await store.identity.assignRole(a);

        const bySet = (list: readonly object[]) => list.map((a) => JSON.stringify(a)).sort();
        assert.deepEqual(
          bySet(await store.identity.listAssignments({})),
          bySet([u1p1Admin, u1p1Member, u2p1Member, u1p2Member]),
        );
        assert.deepEqual(
          bySet(await store.identity.listAssignments({ projectId: p1.id })),
          bySet([u1p1Admin, u1p1Member, u2p1Member]),
        );
        assert.deepEqual(
          bySet(await store.identity.listAssignments({ userId: u1.id })),
          bySet([u1p1Admin, u1p1Member, u1p2Member]),
        );
        assert.deepEqual(await store.identity.listAssignments({ projectId: p2.id, userId: u1.id }), [u1p2Member]);
        assert.deepEqual([...(await store.identity.rolesOf(u1.id, p1.id))].sort(), ['admin', 'member']);
        assert.deepEqual(await store.identity.rolesOf(u2.id, p2.id), []);

        assert.equal(await store.identity.unassignRole(u1p1Admin), true);
        assert.equal(await store.identity.unassignRole(u1p1Admin), false);
        assert.deepEqual(await store.identity.rolesOf(u1.id, p1.id), ['member']);
      });

      it('refuses an assignment for a user or project that does not exist', async () => {
        const user = makeUser();
        const project = makeProject();
        await store.identity.insertUser(user);
        await store.identity.insertProject(project);
        await assert.rejects(
          store.identity.assignRole({ projectId: project.id, userId: 'user-missing', role: 'member' }),
        );
        await assert.rejects(
          store.identity.assignRole({ projectId: 'project-missing', userId: user.id, role: 'member' }),
        );
        assert.deepEqual(await store.identity.listAssignments({}), []);
      });
    });

    describe('identity: tokens', () => {
      async function seedUserAndProject() {
        const user = makeUser();
        const project = makeProject();
        await store.identity.insertUser(user);
        await store.identity.insertProject(project);
        return { user, project };
      }

      it('inserts and finds a token by hash, and rejects a duplicate hash', async () => {
        const { user, project } = await seedUserAndProject();
        const token = makeToken(user.id, project.id);
        await store.identity.insertToken(token);
        assert.deepEqual(await store.identity.findToken(token.hash), token);
        assert.equal(await store.identity.findToken('sha256-missing'), undefined);
        await assert.rejects(
          store.identity.insertToken({ ...token, expiresAt: token.expiresAt + 1 }),
          DuplicateKeyError,
        );
        assert.deepEqual(await store.identity.findToken(token.hash), token);
      });

      it('deletes one token, and a token gone already without error', async () => {
        const { user, project } = await seedUserAndProject();
        const [gone, kept] = [makeToken(user.id, project.id), makeToken(user.id, project.id)];
        for (const token of [gone, kept]) await store.identity.insertToken(token);
        await store.identity.deleteToken(gone.hash);
        await store.identity.deleteToken(gone.hash);
        assert.equal(await store.identity.findToken(gone.hash), undefined);
        assert.deepEqual(await store.identity.findToken(kept.hash), kept);
      });

      it('deletes every token of one user', async () => {
        const { user, project } = await seedUserAndProject();
        const other = makeUser();
        await store.identity.insertUser(other);
        const mine = [makeToken(user.id, project.id), makeToken(user.id, project.id)];
        const theirs = makeToken(other.id, project.id);
        for (const token of [...mine, theirs]) await store.identity.insertToken(token);
        await store.identity.deleteTokensOfUser(user.id);
        for (const token of mine) assert.equal(await store.identity.findToken(token.hash), undefined);
        assert.deepEqual(await store.identity.findToken(theirs.hash), theirs);
      });

      it('deletes tokens expired at or before now and reports how many', async () => {
        const { user, project } = await seedUserAndProject();
        const [t10, t20, t30] = [10, 20, 30].map((s) => makeToken(user.id, project.id, { expiresAt: T0 + s }));
        for (const token of [t10, t20, t30]) await store.identity.insertToken(token!);
        assert.equal(await store.identity.deleteExpiredTokens(T0 + 5), 0);
        assert.equal(await store.identity.deleteExpiredTokens(T0 + 20), 2);
        assert.equal(await store.identity.findToken(t10!.hash), undefined);
        assert.equal(await store.identity.findToken(t20!.hash), undefined);
        assert.deepEqual(await store.identity.findToken(t30!.hash), t30);
        assert.equal(await store.identity.deleteExpiredTokens(T0 + 20), 0);
      });
    });

    describe('lifecycle', () => {
      it('keeps every kind of record across close and reopen', async () => {
        const instance = makeInstance();
        const updated = makeInstance();
        const user = makeUser({ isSystemAdmin: true });
        const project = makeProject();
        const token = makeToken(user.id, project.id);
        await insertAll(instance, updated);
        await store.instances.update({ ...updated, status: 'STOPPED' });
        await store.identity.insertUser(user);
        await store.identity.insertProject(project);
        await store.identity.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
        await store.identity.insertToken(token);
        await store.close();

        store = await database.open();
        assert.deepEqual(await store.instances.getById(instance.id), instance);
        assert.deepEqual(await store.instances.getById(updated.id), { ...updated, status: 'STOPPED', version: 2 });
        assert.equal((await store.instances.list(query())).total, 2);
        assert.deepEqual(await store.identity.getUser(user.id), user);
        assert.deepEqual(await store.identity.getProject(project.id), project);
        assert.deepEqual(await store.identity.rolesOf(user.id, project.id), ['admin']);
        assert.deepEqual(await store.identity.findToken(token.hash), token);
        // Constraints survive too, not just rows.
        await assert.rejects(store.instances.insert(makeInstance({ name: instance.name })), DuplicateNameError);
      });

      it('migrates idempotently: running migrate again changes nothing', async () => {
        const instance = makeInstance();
        await store.instances.insert(instance);
        await store.migrate();
        await store.migrate();
        assert.deepEqual(await store.instances.getById(instance.id), instance);
        const later = makeInstance();
        await store.instances.insert(later);
        assert.equal((await store.instances.list(query())).total, 2);
      });
    });
  });
}
