/**
 * @module bench/support/baseline-server
 * The baseline every throughput figure is printed beside: a bare Fastify server, in a process of
 * its own, answering every GET with the bytes the real server answered for the request measured,
 * from memory. What demanager adds to that (auth, store, views) is the ratio's difference.
 * Given a number of µs, it first keeps the CPU busy that long on each request: a server as costly
 * as the one measured, with none of its parts (no store, no garbage), to tell the cost of a
 * request from the way those parts spend it.
 *
 *   node --import tsx bench/support/baseline-server.ts <file holding the body> [<µs of CPU per request>]
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.argv[2]!);
const busyMs = Number(process.argv[3] ?? 0) / 1000;
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => {
  const until = performance.now() + busyMs;
  while (performance.now() < until);
  return reply.type('application/json; charset=utf-8').send(body);
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening at ${address}`);
