/**
 * @module server/http-server
 * Builds the Fastify app from the services: validation and serialization from the TypeBox
 * schemas, the error mapping, the request limits, the OpenAPI document and the routes. Nothing else.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { recordChanges } from '../api/audit-trail.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from '../api/error-handler.js';
import { answerWhenHeardEverywhere } from '../api/heard-everywhere.js';
import { HttpError } from '../api/http-error.js';
import { registerNulGuard } from '../api/nul-guard.js';
import { requestLog } from '../api/request-log.js';
import { adminRoutes } from '../api/routes/admin-routes.js';
import { bucketRoutes } from '../api/routes/bucket-routes.js';
import { budgetAdminRoutes, budgetRoutes } from '../api/routes/budget-routes.js';
import { userInstanceRoutes } from '../api/routes/user-instance-routes.js';
import { auditRoutes } from '../api/routes/audit-routes.js';
import { metricsRoutes, timeRequests } from '../api/routes/metrics-routes.js';
import { authRoutes } from '../api/routes/auth-routes.js';
import { sessionRoutes } from '../api/routes/session-routes.js';
import { catalogRoutes } from '../api/routes/catalog-routes.js';
import { credentialRoutes } from '../api/routes/credential-routes.js';
import { healthRoutes } from '../api/routes/health-routes.js';
import { instanceChangeRoutes } from '../api/routes/instance-change-routes.js';
import { instanceRoutes } from '../api/routes/instance-routes.js';
import { notebookLogRoutes } from '../api/routes/notebook-log-routes.js';
import { resourceUsageRoutes } from '../api/routes/resource-usage-routes.js';
import { usageRoutes } from '../api/routes/usage-routes.js';
import { shareRoutes } from '../api/routes/share-routes.js';
import type { ApiContext } from '../api/api-context.js';
import { registerRateLimits, type RateLimits } from '../api/rate-limits.js';
import { serializerCompiler } from '../api/response-serializer.js';
import { validatorCompiler } from '../api/schema-validator.js';
import { RESUME_SLACK_MS } from '../core/changes/cursor.js';
import { systemClock, type Clock } from '../core/shared/clock.js';
import type { IdentityWatch } from '../core/changes/identity-watch.js';
import type { NotebookOpeners } from '../core/identity/notebook-openers.js';
import type { NotebookAccessCache } from '../proxy/notebook-access-cache.js';
import { notebookProxy } from '../proxy/notebook-proxy.js';
import { consoleRoutes } from '../web/console-routes.js';
import { routeByHost } from './host-routing.js';
import { VERSION } from '../core/shared/release.js';

/** A request URL as logged: a `token` in the query (a notebook link's access token) is left out. */
export function loggedUrl(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query) + url.slice(query).replace(/([?&]token=)[^&#]*/gi, '$1[Redacted]');
}

/**
 * Fastify's request fields, with the URL as {@link loggedUrl} gives it. No header is logged (a
 * token, a signature, a cookie), so no path needs redacting: pino's redaction was 4% of a
 * request's CPU and could never match.
 */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** The pino options of every server log: credentials in headers and URLs never reach it. */
export const LOG_OPTIONS = { serializers: { req: serializeRequest } };

const isBlank = (body: string | Buffer) => body === '' || (typeof body === 'string' && body.trim() === '');

/**
 * The API reads JSON bodies only. Some clients send `Content-Type: application/json` with an empty
 * body (DELETE, action GETs): that is no body. Fastify would also read a `text/plain` body (as a
 * string, which then failed validation as a wrong type): like every other type but JSON it now
 * gets 415, unless it is empty (a client's default header on a request without a body).
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (isBlank(body)) return done(null, undefined);
    parseJson(request, body as string, done);
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) =>
    isBlank(body) ? done(null, undefined) : done(new HttpError('ModelArts.0415', 'text/plain'), undefined),
  );
}

export interface ServerOptions {
  /** A logger to share with the rest of the service; by default Fastify makes its own. */
  loggerInstance?: FastifyBaseLogger;
  /**
   * The clock of the rate-limit windows. Real time by default, even when the domain clock is a
   * test's: a request rate is real, and a test clock may stand still for thousands of requests.
   */
  limitsClock?: Clock;
}

export type ServerContext = ApiContext & {
  notebookOpeners: NotebookOpeners;
  notebookAccess: NotebookAccessCache;
  identityWatch: IdentityWatch;
  config: {
    logLevel: string;
    metrics: { enabled: boolean };
    trustProxy: boolean | number | string | string[];
    coordination: { scanIntervalMs: number };
    limits: RateLimits & {
      bodyLimitBytes: number;
      eventStreamsPerUser: number;
      eventKeepAliveSeconds: number;
      eventReplaySeconds: number;
      workloadConnectSeconds: number;
      workloadAnswerSeconds: number;
      workloadIdleSeconds: number;
    };
  };
};

/** A hop count as the function Fastify takes for it (its types know no number). */
function proxyTrust(
  trust: boolean | number | string | string[],
): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export async function buildServer(services: ServerContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: { level: services.config.logLevel, ...LOG_OPTIONS } }),
    bodyLimit: services.config.limits.bodyLimitBytes,
    // ModelArts ids are long; clients also percent-encode names into the path.
    routerOptions: { maxParamLength: 256 },
    trustProxy: proxyTrust(services.config.trustProxy),
    clientErrorHandler,
    frameworkErrors,
    logController: requestLog(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);

  registerErrorHandling(app, (error) => services.store.faultOf(error));
  registerNulGuard(app);
  routeByHost(app, services.config.notebookHost);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'demanager',
        description: 'ModelArts DevEnviron v1 compatible notebook instance API',
        version: VERSION,
      },
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
          accessKey: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: '`SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2;…>, Signature=<hex>` with `X-Sdk-Date`.',
          },
        },
      },
      security: [{ token: [] }, { accessKey: [] }],
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { services });
  await app.register(consoleRoutes);
  // The API in a context of its own, so its JSON parser does not clash with the proxy's.
  await app.register(async (api) => {
    acceptEmptyJsonBodies(api);
    recordChanges(api, services);
    answerWhenHeardEverywhere(api, services.store.foreignWrites);
    if (services.config.metrics.enabled) timeRequests(api, services.metrics);
    await registerRateLimits(api, options.limitsClock ?? systemClock, services.config.limits);
    await api.register(authRoutes, { services });
    await api.register(sessionRoutes, { services });
    await api.register(adminRoutes, { services });
    await api.register(bucketRoutes, { services });
    await api.register(budgetAdminRoutes, { services });
    await api.register(budgetRoutes, { services });
    await api.register(userInstanceRoutes, { services });
    await api.register(credentialRoutes, { services });
    await api.register(instanceRoutes, { services });
    await api.register(shareRoutes, { services });
    await api.register(notebookLogRoutes, { services });
    await api.register(resourceUsageRoutes, { services });
    await api.register(catalogRoutes, { services });
    await api.register(instanceChangeRoutes, {
      services,
      limits: {
        perUser: services.config.limits.eventStreamsPerUser,
        keepAliveMs: services.config.limits.eventKeepAliveSeconds * 1000,
        // Beyond the in-flight and clock margins, what another replica wrote may reach this one a scan later.
        slackMs: RESUME_SLACK_MS + services.config.coordination.scanIntervalMs,
        horizonMs: services.config.limits.eventReplaySeconds * 1000,
      },
    });
    await api.register(auditRoutes, { services });
    await api.register(usageRoutes, { services });
    if (services.config.metrics.enabled) await api.register(metricsRoutes, { services });
  });
  const { limits } = services.config;
  await app.register(notebookProxy, {
    store: services.store,
    access: services.notebookAccess,
    openers: services.notebookOpeners,
    identityWatch: services.identityWatch,
    publicUrl: services.config.publicUrl,
    clock: services.clock,
    replica: services.replica,
    notebookHost: services.config.notebookHost,
    timeouts: {
      connectMs: limits.workloadConnectSeconds * 1000,
      answerMs: limits.workloadAnswerSeconds * 1000,
      idleMs: limits.workloadIdleSeconds * 1000,
    },
  });
  return app;
}
