/**
 * @module console/usage-reports
 * What the usage page reads: the project's usage report for a window (`GET …/demanager/usage`, as
 * JSON for the page and as CSV to save), and the budgets that bind the signed-in user
 * (`GET …/demanager/budgets`). The server decides who sees what (a member, only themselves); the
 * page asks a member's report by their own id, so it never asks for more than it may see.
 */
import { DemanagerApiError, HttpClient } from '../../src/client/index.js';
import type { ConsoleSession } from './session.js';

export const USAGE_GROUPINGS = ['user', 'flavor', 'day'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

export interface UsageFigures {
  cpu_hours: number;
  gpu_hours: number;
  memory_gib_hours: number;
  instance_hours: number;
}

export interface UsageGroup extends UsageFigures {
  /** The user id, the flavor, or the UTC day (`YYYY-MM-DD`). */
  key: string;
  name: string;
}

export interface UsageReport {
  since: number;
  until: number;
  group_by: UsageGrouping;
  total: UsageFigures;
  /** Sorted by key. */
  groups: UsageGroup[];
}

export interface BudgetStatus {
  scope: 'project' | 'user';
  id: string;
  name: string;
  period: 'month' | 'rolling_30d';
  gpu_hours: number | null;
  cpu_hours: number | null;
  used: { gpu_hours: number; cpu_hours: number };
  /** Epoch ms; null for a rolling period, which renews bit by bit. */
  renews_at: number | null;
  exhausted: boolean;
  /** Epoch ms at the present rate, or null. */
  runs_out_at: number | null;
}

export interface UsageQuery {
  since: number;
  /** Absent: up to now (the server's now). */
  until?: number | undefined;
  group_by: UsageGrouping;
  user_id?: string | undefined;
}

function endpoint(c: ConsoleSession, path: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(`${c.session.apiBase.replace(/\/+$/, '')}/demanager/${path}`);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

function client(c: ConsoleSession): HttpClient {
  return new HttpClient({ fetch: c.fetch });
}

export async function usageReport(c: ConsoleSession, query: UsageQuery): Promise<UsageReport> {
  return (await client(c).request<UsageReport>('GET', endpoint(c, 'usage', { ...query }))).body;
}

export async function budgets(c: ConsoleSession): Promise<BudgetStatus[]> {
  return (await client(c).request<{ budgets: BudgetStatus[] }>('GET', endpoint(c, 'budgets', {}))).body.budgets;
}

/** The same report as CSV text, with the session's credentials; a refusal throws as the client's would. */
export async function usageCsv(c: ConsoleSession, query: UsageQuery): Promise<string> {
  const url = endpoint(c, 'usage', { ...query, format: 'csv' });
  const response = await c.fetch(url, { headers: { Accept: 'text/csv' } });
  const text = await response.text();
  if (response.ok) return text;
  let body: { error_code?: string; error_msg?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not the API's error body: the status says what there is to say.
  }
  throw new DemanagerApiError({
    status: response.status,
    errorCode: body.error_code ?? `HTTP.${response.status}`,
    errorMsg: body.error_msg || response.statusText || `HTTP ${response.status}`,
    method: 'GET',
    url,
  });
}
