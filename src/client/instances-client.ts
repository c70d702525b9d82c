/**
 * @module client/instances-client
 * The seven DevEnviron operations under `{apiBase}/demanager/instances`, and the history and
 * sharing extensions.
 */
import type { HttpClient } from './http.js';
import type {
  ActionResult,
  CreateInstanceRequest,
  DeleteResult,
  Instance,
  InstanceAction,
  InstanceEventList,
  InstanceEventQuery,
  InstanceList,
  InstanceShare,
  InstanceShareList,
  InstanceTokenResult,
  ListInstancesQuery,
  NotebookLog,
  NotebookLogQuery,
  ResourceUsage,
  BudgetStatus,
  SharedWithMe,
  ShareRequest,
  UpdateInstanceRequest,
} from './types.js';

/** Real clients add it to every single-instance GET; the server ignores it. */
const DE_TYPE = 'Notebook';

export class InstancesClient {
  constructor(
    private readonly http: HttpClient,
    /** `…/v1/{project_id}` from the token catalog. */
    private readonly apiBase: () => string,
    private readonly authToken: () => string | undefined,
  ) {}

  #collection(): string {
    return `${this.apiBase().replace(/\/+$/, '')}/demanager/instances`;
  }

  #item(id: string, suffix = ''): string {
    return `${this.#collection()}/${encodeURIComponent(id)}${suffix}`;
  }

  async create(body: CreateInstanceRequest): Promise<Instance> {
    return (await this.http.request<Instance>('POST', this.#collection(), { token: this.authToken(), body })).body;
  }

  async list(query: ListInstancesQuery = {}): Promise<InstanceList> {
    const response = await this.http.request<InstanceList>('GET', this.#collection(), {
      token: this.authToken(),
      query: { ...query, de_type: query.de_type ?? DE_TYPE },
    });
    return response.body;
  }

  async get(id: string): Promise<Instance> {
    return (
      await this.http.request<Instance>('GET', this.#item(id), { token: this.authToken(), query: { de_type: DE_TYPE } })
    ).body;
  }

  async update(id: string, body: UpdateInstanceRequest): Promise<Instance> {
    return (await this.http.request<Instance>('PUT', this.#item(id), { token: this.authToken(), body })).body;
  }

  async remove(id: string): Promise<DeleteResult> {
    return (await this.http.request<DeleteResult>('DELETE', this.#item(id), { token: this.authToken() })).body;
  }

  async action(id: string, action: InstanceAction): Promise<ActionResult> {
    return (
      await this.http.request<ActionResult>('POST', this.#item(id, '/action'), {
        token: this.authToken(),
        body: { action },
      })
    ).body;
  }

  async token(id: string): Promise<InstanceTokenResult> {
    return (
      await this.http.request<InstanceTokenResult>('GET', this.#item(id, '/token'), {
        token: this.authToken(),
        query: { de_type: DE_TYPE },
      })
    ).body;
  }

  /** The instance's history, oldest first (a demanager extension). */
  async events(id: string, page: InstanceEventQuery = {}): Promise<InstanceEventList> {
    return (
      await this.http.request<InstanceEventList>('GET', this.#item(id, '/events'), {
        token: this.authToken(),
        query: page,
      })
    ).body;
  }

  /** The last lines of the notebook's log (a demanager extension; those who may open it). */
  async logs(id: string, query: NotebookLogQuery = {}): Promise<NotebookLog> {
    return (await this.http.request<NotebookLog>('GET', this.#item(id, '/logs'), { token: this.authToken(), query }))
      .body;
  }

  /** A running notebook's CPU and memory use against its flavor's limits (a demanager extension). */
  /** The project's budget and the caller's own, where set. */
  async budgets(): Promise<BudgetStatus[]> {
    const path = `${this.apiBase().replace(/\/+$/, '')}/demanager/budgets`;
    return (await this.http.request<{ budgets: BudgetStatus[] }>('GET', path, { token: this.authToken() })).body
      .budgets;
  }

  async usage(id: string): Promise<ResourceUsage> {
    return (await this.http.request<ResourceUsage>('GET', this.#item(id, '/usage'), { token: this.authToken() })).body;
  }

  /** Who the notebook is shared with (its owner and the project's admins). */
  async shares(id: string): Promise<InstanceShareList> {
    return (await this.http.request<InstanceShareList>('GET', this.#item(id, '/shares'), { token: this.authToken() }))
      .body;
  }

  /** The ids of the project's instances shared with the caller (they may open those). */
  async sharedWithMe(): Promise<SharedWithMe> {
    return (
      await this.http.request<SharedWithMe>('GET', `${this.apiBase().replace(/\/+$/, '')}/demanager/shared-with-me`, {
        token: this.authToken(),
      })
    ).body;
  }

  /** Shares the notebook with a member of the project; sharing again changes nothing. */
  async share(id: string, target: ShareRequest): Promise<InstanceShare> {
    return (
      await this.http.request<InstanceShare>('POST', this.#item(id, '/shares'), {
        token: this.authToken(),
        body: target,
      })
    ).body;
  }

  /** Ends a user's share (by user id). */
  async unshare(id: string, userId: string): Promise<void> {
    await this.http.request('DELETE', this.#item(id, `/shares/${encodeURIComponent(userId)}`), {
      token: this.authToken(),
    });
  }
}
