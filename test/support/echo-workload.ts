/**
 * @module test/support/echo-workload
 * A stand-in for a notebook server where Jupyter itself is not needed: it answers every HTTP
 * request, and the first message of every WebSocket, with the method, path and headers it
 * received, so a test sees exactly what the proxy forwarded. `serveFor` points a running
 * (simulated) instance at it, as a real driver's endpoint would.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { TestApp } from './test-app.js';

export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface EchoWorkload {
  endpoint: string;
  /** Every request and upgrade that reached it, in order. */
  received: Echo[];
  /** Points the instance's runtime state at this workload. */
  serveFor(t: TestApp, instanceId: string): Promise<void>;
  close(): Promise<void>;
}

/** Points a running (simulated) instance's runtime state at `endpoint`, as a real driver's start would. */
export async function pointAt(t: TestApp, instanceId: string, endpoint: string): Promise<void> {
  const store = t.app.services.store;
  const instance = (await store.instances.getById(instanceId))!;
  const written = await store.instances.update({ ...instance, runtime: { endpoint, data: instance.runtime!.data } });
  if (!written) throw new Error(`instance ${instanceId} changed while pointing it at ${endpoint}`);
}

/** Extra response headers the workload sends back (to see what the proxy puts over them). */
export async function startEchoWorkload(responseHeaders: Record<string, string> = {}): Promise<EchoWorkload> {
  const received: Echo[] = [];
  const echoOf = (req: {
    method?: string | undefined;
    url?: string | undefined;
    headers: IncomingHttpHeaders;
  }): Echo => {
    const echo = { method: req.method!, url: req.url!, headers: req.headers };
    received.push(echo);
    return echo;
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const echo = echoOf(req);
      res.writeHead(200, { 'content-type': 'application/json', ...responseHeaders }).end(JSON.stringify(echo));
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, req) => socket.send(JSON.stringify(echoOf(req))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    received,
    serveFor: (t, instanceId) => pointAt(t, instanceId, endpoint),
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
