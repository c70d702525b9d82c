/**
 * @module bench/support/pass-through-proxy
 * The least a reverse proxy written in Node does, as a reference for what the notebook proxy adds:
 * in a process of its own, every request is passed to one upstream over kept-alive connections
 * with its `Authorization` replaced, and the answer streamed back; no routing, no access check,
 * no log. The difference between it and the bare notebook is the cost of the extra hop itself.
 *
 *   node --import tsx bench/support/pass-through-proxy.ts <upstream origin> <authorization>
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const [upstream = '', authorization = ''] = process.argv.slice(2);
const target = new URL(upstream);
const agent = new Agent({ keepAlive: true });
const server = createServer((req, res) => {
  const forwarded = request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host, authorization },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.on('error', () => res.destroy());
  req.pipe(forwarded);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
