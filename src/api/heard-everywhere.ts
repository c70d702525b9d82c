/**
 * @module api/heard-everywhere
 * A call that changed something answers only once every other replica has heard of it
 * (ForeignWrites.heardEverywhere): the notebook proxy of each replica keeps its access decisions
 * in memory until it hears of a change, so without this wait a share revoked, a user deleted or an
 * instance stopped through one replica could still let a request in through another for the
 * moment the database's notification takes. With it, revocation is immediate on every replica:
 * nobody is admitted anywhere on the strength of what the call's answer says is gone. Reads and
 * refusals change nothing and wait for nothing; on SQLite, and on PostgreSQL with no other
 * replica listening, nothing is waited for.
 */
import type { FastifyInstance } from 'fastify';
import type { ForeignWrites } from '../core/ports/store.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function answerWhenHeardEverywhere(api: FastifyInstance, foreignWrites: ForeignWrites): void {
  api.addHook('onSend', async (request, reply, payload) => {
    if (!READS.has(request.method) && reply.statusCode < 400) await foreignWrites.heardEverywhere();
    return payload;
  });
}
