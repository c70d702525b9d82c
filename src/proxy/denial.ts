/**
 * @module proxy/denial
 * How the proxy says no. A browser tab gets the page of proxy/denied-page, with a link back to the
 * instance in the console. A client of Jupyter's API — one that authenticates with an
 * `Authorization` token header (`@jupyterlab/services`, VS Code, scripts) or asks for JSON and not
 * HTML — gets the API's error shape (`error_code`, `error_msg`, `error_message`) instead, which it
 * can show or parse; an HTML page would read to it as a broken server.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deniedPage } from './denied-page.js';
import { headerToken } from './notebook-access.js';

/**
 * The code of each status the proxy refuses with: a refusal reads as the API's "not authorized",
 * a notebook not yet reachable as "not in running", and a workload that failed to answer as
 * transport codes of the status itself, as api/http-error names its own.
 */
const CODES: Record<number, string> = {
  400: 'ModelArts.0400',
  403: 'ModelArts.0108',
  502: 'ModelArts.0502',
  503: 'ModelArts.6327',
  504: 'ModelArts.0504',
};

export function wantsJson(request: FastifyRequest): boolean {
  if (headerToken(request.headers.authorization) !== undefined) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function deny(
  reply: FastifyReply,
  status: 400 | 403 | 502 | 503 | 504,
  reason: string,
  consoleLink: string | undefined,
): FastifyReply {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson(reply.request))
    return reply
      .type('application/json; charset=utf-8')
      .send({ error_code: CODES[status], error_msg: reason, error_message: reason });
  return reply.type('text/html; charset=utf-8').send(deniedPage(reason, consoleLink));
}
