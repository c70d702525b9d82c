/**
 * @module client/usage-client
 * Usage reports: a project's (`{apiBase}/demanager/usage`) and, for system admins, every
 * project's (`/v3/usage`), as JSON or as the server's CSV.
 */
import { joinUrl, type HttpClient } from './http.js';
import type { ProjectUsageQuery, UsageQuery, UsageReport } from './types.js';

const CSV = 'text/csv';

export class UsageClient {
  constructor(
    private readonly http: HttpClient,
    /** `…/v1/{project_id}` from the token catalog. */
    private readonly apiBase: () => string,
    /** Server base URL. */
    private readonly url: () => string,
    private readonly authToken: () => string | undefined,
  ) {}

  #project(): string {
    return `${this.apiBase().replace(/\/+$/, '')}/demanager/usage`;
  }

  #all(): string {
    return joinUrl(this.url(), '/v3/usage');
  }

  async project(query: ProjectUsageQuery = {}): Promise<UsageReport> {
    return (await this.http.request<UsageReport>('GET', this.#project(), { token: this.authToken(), query })).body;
  }

  projectCsv(query: ProjectUsageQuery = {}): Promise<string> {
    return this.http.requestText('GET', this.#project(), CSV, { token: this.authToken(), query });
  }

  async all(query: UsageQuery = {}): Promise<UsageReport> {
    return (await this.http.request<UsageReport>('GET', this.#all(), { token: this.authToken(), query })).body;
  }

  allCsv(query: UsageQuery = {}): Promise<string> {
    return this.http.requestText('GET', this.#all(), CSV, { token: this.authToken(), query });
  }
}
