/**
 * @module bench/support/tcp-echo
 * The floor under any proxy on a machine: a process that sends back whatever it reads, over TCP on
 * loopback, with no protocol at all. The time of a small message there and back is what one more
 * process in a request's path costs before it parses anything (two more wake-ups and a write each
 * way), beside which bench/proxy puts what its proxies add.
 *
 *   node --import tsx bench/support/tcp-echo.ts
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening at tcp://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
