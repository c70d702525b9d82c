/**
 * @module bench/support/baseline-server
 * The baseline every throughput figure is printed beside: a bare Fastify server, in a process of
 * its own, answering every GET with the bytes the real server answered for the request measured,
 * from memory. What demanager adds to that (auth, store, views) is the ratio's difference.
 *
 *   node --import tsx bench/support/baseline-server.ts <file holding the body>
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.argv[2]!);
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening at ${address}`);
