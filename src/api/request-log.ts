/**
 * @module api/request-log
 * One log line per request, written when it completes, with the method, URL (as the serializer
 * redacts it), status and time. Fastify's default writes a second line when the request arrives;
 * at thousands of requests a second that line doubled the log's cost and carried nothing the
 * completion line does not.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

class CompletionLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export const requestLog = (): LogController => new CompletionLog();
