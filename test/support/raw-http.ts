/**
 * @module test/support/raw-http
 * Requests exactly as a hostile client writes them, which `fetch` will not send: the path as raw
 * bytes (`..` kept, not resolved; percent-escapes and Latin-1 bytes left alone), any method token,
 * any header value Node lets through, and a body of arbitrary bytes. An event stream is read up to
 * its first event. Plus the routes of a running
 * Fastify app, read from its own route table.
 */
import type { FastifyInstance } from 'fastify';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query as they go on the request line. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function rawClient(baseUrl: string) {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  function send(req: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(req.body.length);
      const outgoing = request(
        { host: base.hostname, port: base.port, method: req.method, path: req.target, headers, agent, timeout: 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          const answer = () => ({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
          // An event stream does not end: it is read up to its first event, then hung up on.
          const stream = /^text\/event-stream/.test(String(res.headers['content-type'] ?? ''));
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            if (stream && /(^|\n)data:.*\n\n/.test(Buffer.concat(chunks).toString('utf8'))) {
              resolve(answer());
              res.destroy();
            }
          });
          res.on('end', () => resolve(answer()));
          res.on('error', reject);
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(new Error(`no answer to ${req.method} ${req.target.slice(0, 200)}`)),
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }
  return { send, close: () => agent.destroy() };
}

export interface RouteInfo {
  /** Fastify's pattern, e.g. `/v1/:project_id/demanager/instances/:instance_id` or `/notebook/:instance_id/*`. */
  path: string;
  methods: string[];
}

/**
 * Every route the app serves, from `printRoutes()`' tree: each line is an edge of the radix tree,
 * indented four columns a level, with its methods in parentheses when a route ends there. Where
 * routes name a parameter differently (`/:id|:project_id`), the last name is the one children use.
 */
export function routesOf(app: FastifyInstance): RouteInfo[] {
  const stack: string[] = [];
  const routes: RouteInfo[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    // A route with a constraint (the notebook proxy's WebSocket upgrades) prints it after its methods.
    const edge = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?(?: \{.*\})?$/.exec(line);
    if (!edge) continue;
    const depth = (edge[1] ?? '').length / 4;
    const segment = (edge[2] ?? '').replace(/:[\w]+(?:\|:([\w]+))+/g, (_all, last: string) => `:${last}`);
    stack.length = depth;
    stack.push(segment);
    if (edge[3]) routes.push({ path: stack.join(''), methods: edge[3].split(',').map((m) => m.trim()) });
  }
  return routes;
}
