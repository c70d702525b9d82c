/**
 * @module api/routes/usage-routes
 * Usage reports (core/usage/usage-report), demanager extensions: `GET /v1/{project_id}/demanager/usage`
 * for a project's members (its admins see the whole project, members only themselves: another
 * user's id is 403 ModelArts.0108) and `GET /v3/usage` across projects for system admins. JSON, or
 * CSV for `format=csv` or `Accept: text/csv`.
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UsageQuery } from '../../core/model/usage.js';
import { DomainError } from '../../core/shared/errors.js';
import { usageReport, usageWindow, type UsageGrouping, type UsageReport } from '../../core/usage/usage-report.js';
import type { UsageTotals } from '../../core/usage/usage-totals.js';
import type { ApiContext } from '../api-context.js';
import { authenticate, principalOf } from '../auth.js';
import { csvText, wantsCsv } from '../csv.js';
import { ErrorBody } from '../schemas/common.js';
import { ProjectParams } from '../schemas/request-schemas.js';
import { ProjectUsageQuery, UsageQuerySchema, UsageReportSchema } from '../schemas/usage-schemas.js';

/**
 * A time as the caller wrote it: epoch ms, or ISO-8601 with its zone (or a bare date, read as UTC);
 * a date-time without a zone would be read in this server's zone, so it is refused as any other
 * text is (400 ModelArts.6336 naming the field).
 */
function instant(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const epoch = /^\d+$/.test(text);
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/i.test(text);
  const at = epoch ? Number(text) : iso ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(at) || at < 0)
    throw new DomainError('ModelArts.6336', field).because('give epoch milliseconds or an ISO-8601 time with its zone');
  return at;
}

const round = (hours: number) => Math.round(hours * 10_000) / 10_000;

function figures(t: UsageTotals) {
  return {
    cpu_hours: round(t.cpuHours),
    gpu_hours: round(t.gpuHours),
    memory_gib_hours: round(t.memoryGibHours),
    instance_hours: round(t.instanceHours),
  };
}

function reportView(report: UsageReport) {
  return {
    since: report.since,
    until: report.until,
    group_by: report.groupBy,
    total: figures(report.total),
    groups: report.groups.map((g) => ({ key: g.key, name: g.name, ...figures(g.totals) })),
    open_periods: report.openPeriods,
  };
}

const CSV_HEADER = ['key', 'name', 'cpu_hours', 'gpu_hours', 'memory_gib_hours', 'instance_hours'];

function reportCsv(report: ReturnType<typeof reportView>): string {
  const line = (key: string, name: string, f: ReturnType<typeof figures>) => [
    key,
    name,
    f.cpu_hours,
    f.gpu_hours,
    f.memory_gib_hours,
    f.instance_hours,
  ];
  return csvText([CSV_HEADER, ...report.groups.map((g) => line(g.key, g.name, g)), line('total', '', report.total)]);
}

interface ReportRequest {
  since?: string | undefined;
  until?: string | undefined;
  group_by?: UsageGrouping | undefined;
  format?: 'json' | 'csv' | undefined;
}

const schema = { tags: ['usage'], response: { 200: UsageReportSchema, '4xx': ErrorBody } };

export const usageRoutes: FastifyPluginAsyncTypebox<{ services: ApiContext }> = async (app, { services }) => {
  /** Reads the periods of `filter` in the asked window and answers the report, as JSON or CSV. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    query: ReportRequest,
    filter: Omit<UsageQuery, 'since' | 'until'>,
    projectName?: (id: string) => string | undefined,
  ) {
    const now = services.clock.now();
    const window = usageWindow({ since: instant(query.since, 'since'), until: instant(query.until, 'until') }, now);
    const periods = await services.store.usage.overlapping({ ...filter, ...window });
    const view = reportView(usageReport(periods, window, query.group_by ?? 'user', now, projectName));
    if (!wantsCsv(query.format, request.headers.accept)) return view;
    return reply.type('text/csv; charset=utf-8').send(reportCsv(view));
  }

  await app.register(async (scope) => {
    const project = scope.withTypeProvider<TypeBoxTypeProvider>();
    project.addHook('preParsing', authenticate(services, { scoped: true }));
    project.get(
      '/v1/:project_id/demanager/usage',
      {
        schema: {
          ...schema,
          summary:
            "The project's usage in a window: all of it for its admins, one's own for members (demanager extension)",
          params: ProjectParams,
          querystring: ProjectUsageQuery,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const admin = principal.roles.includes('admin');
        const { user_id } = request.query;
        if (!admin && user_id !== undefined && user_id !== principal.userId) throw new DomainError('ModelArts.0108');
        const userId = admin ? user_id : principal.userId;
        return answer(request, reply, request.query, {
          projectId: request.params.project_id,
          ...(userId !== undefined ? { userId } : {}),
        });
      },
    );
  });

  await app.register(async (scope) => {
    const global = scope.withTypeProvider<TypeBoxTypeProvider>();
    global.addHook('preParsing', authenticate(services, { scoped: false, systemAdmin: true }));
    global.get(
      '/v3/usage',
      {
        schema: {
          ...schema,
          summary: 'Usage across projects in a window (system admins; demanager extension)',
          querystring: UsageQuerySchema,
        },
      },
      async (request, reply) => {
        const { project_id, user_id } = request.query;
        const names = new Map((await services.identity.listProjects()).map((p) => [p.id, p.name]));
        return answer(
          request,
          reply,
          request.query,
          {
            ...(project_id !== undefined ? { projectId: project_id } : {}),
            ...(user_id !== undefined ? { userId: user_id } : {}),
          },
          (id) => names.get(id),
        );
      },
    );
  });
};
