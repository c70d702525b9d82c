/**
 * @module test/support/stand-in-replica
 * Another replica's listening connection on PostgreSQL, as far as a fence is concerned
 * (store/postgres/postgres-foreign-writes): named as replicas name theirs, it hears the fences sent
 * on the database and answers one only when the test says so, or never.
 */
import pg from 'pg';
import { FENCES, LISTENER } from '../../src/store/postgres/postgres-foreign-writes.js';

export interface StandInReplica {
  /** The fences heard so far, as sent: `fence:<from>:<n>`. */
  readonly fences: string[];
  /** Answers `fence` as a replica that has heard every write before it. */
  answer(fence: string): Promise<unknown>;
  end(): Promise<void>;
}

export async function standInReplica(url: string): Promise<StandInReplica> {
  const client = new pg.Client({ connectionString: url });
  const fences: string[] = [];
  client.on('notification', (message) => {
    if (message.payload?.startsWith('fence:')) fences.push(message.payload);
  });
  await client.connect();
  await client.query(`listen ${FENCES}`);
  await client.query("select set_config('application_name', $1, false)", [`${LISTENER}stand-in`]);
  return {
    fences,
    answer(fence) {
      const [, from, n] = fence.split(':');
      return client.query('select pg_notify($1, $2)', [FENCES, `ack:${from}:${n}:stand-in`]);
    },
    end: () => client.end(),
  };
}
