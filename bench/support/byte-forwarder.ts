/**
 * @module bench/support/byte-forwarder
 * One more process in a request's path and nothing else: each client connection gets a connection
 * of its own to the upstream, and the bytes are piped both ways unread. No HTTP is parsed or
 * written, so no access could be checked and no header changed: it is no proxy demanager could be.
 * What it adds beside the bare notebook is the cost of the extra process alone (its wake-ups and
 * loopback writes); what the pass-through proxy adds beyond it is the cost of HTTP in Node.
 *
 *   node --import tsx bench/support/byte-forwarder.ts <upstream origin>
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.argv[2] ?? '');
const server = createServer((client) => {
  const workload = connect(Number(upstream.port), upstream.hostname);
  for (const socket of [client, workload]) socket.setNoDelay(true);
  client.pipe(workload).on('error', () => client.destroy());
  workload.pipe(client).on('error', () => workload.destroy());
  client.on('error', () => workload.destroy());
  workload.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
