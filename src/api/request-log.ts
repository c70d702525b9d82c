/**
 * @module api/request-log
 * One log line per request, written when it completes, with the method, URL (as the serializer
 * redacts it), status and time; at debug level for the successes of a quiet route. Fastify's
 * default writes a second line when the request arrives; at thousands of requests a second that
 * line doubled the log's cost and carried nothing the completion line does not.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A route whose successes are logged at debug level, not info: the notebook proxy's, as
     * Jupyter logs its own (a notebook's page, kernel polls and saves make dozens of requests a
     * minute, each of which the notebook server logs anyway). Redirects, refusals and errors stay
     * at info and above, and each opening of a notebook is in the audit trail.
     */
    quietSuccesses?: boolean;
  }
}

function succeeded(status: number): boolean {
  return status < 300 || status === 304;
}

class CompletionLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else if (request.routeOptions.config.quietSuccesses && succeeded(reply.statusCode))
      reply.log.debug({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export const requestLog = (): LogController => new CompletionLog();
