/**
 * @module client/identity-client
 * The `/v3` side of the API: password login, token introspection, the system-admin endpoints
 * for users, projects and role assignments, and access keys (`/v3.0/OS-CREDENTIAL`).
 */
import { DemanagerResponseError } from './errors.js';
import { joinUrl, type HttpClient } from './http.js';
import { sessionOf, type LoginOptions, type Session } from './session.js';
import type {
  AccessKey,
  ActionResult,
  CreateAccessKeyRequest,
  CreatedAccessKey,
  Bucket,
  BudgetScope,
  BudgetStatus,
  SetBudgetRequest,
  CreateProjectRequest,
  CreateUserRequest,
  Project,
  RoleAssignment,
  RoleAssignmentQuery,
  RoleName,
  TokenDocument,
  UpdateUserRequest,
  User,
  UserInstance,
} from './types.js';

const CREDENTIALS = '/v3.0/OS-CREDENTIAL/credentials';

export class IdentityClient {
  constructor(
    private readonly http: HttpClient,
    /** Server base URL. */
    private readonly url: () => string,
    private readonly token: () => string | undefined,
  ) {}

  #at(path: string): string {
    return joinUrl(this.url(), path);
  }

  /** `POST /v3/auth/tokens`; the token arrives in the `X-Subject-Token` header. */
  async login(options: LoginOptions): Promise<Session> {
    const url = options.url.replace(/\/+$/, '');
    const target = joinUrl(url, '/v3/auth/tokens');
    const response = await this.http.request<TokenDocument>('POST', target, { body: loginBodyOf(options) });
    const token = response.headers.get('x-subject-token');
    if (!token) throw new DemanagerResponseError(target, 'no X-Subject-Token header');
    return sessionOf(url, token, response.body);
  }

  /** `GET /v3/auth/tokens`: the session a bare token stands for (its project and API base). */
  async describe(token: string): Promise<Session> {
    const response = await this.http.request<TokenDocument>('GET', this.#at('/v3/auth/tokens'), { token });
    return sessionOf(this.url(), token, response.body);
  }

  async listUsers(): Promise<User[]> {
    return (await this.#get<{ users: User[] }>('/v3/users')).users;
  }

  async getUser(id: string): Promise<User> {
    return (await this.#get<{ user: User }>(`/v3/users/${encodeURIComponent(id)}`)).user;
  }

  async createUser(user: CreateUserRequest): Promise<User> {
    return (await this.#send<{ user: User }>('POST', '/v3/users', { user })).user;
  }

  async updateUser(id: string, changes: UpdateUserRequest): Promise<User> {
    return (await this.#send<{ user: User }>('PATCH', `/v3/users/${encodeURIComponent(id)}`, { user: changes })).user;
  }

  async deleteUser(id: string): Promise<void> {
    await this.#send('DELETE', `/v3/users/${encodeURIComponent(id)}`);
  }

  async listUserInstances(userId: string): Promise<UserInstance[]> {
    return (await this.#get<{ instances: UserInstance[] }>(`/v3/users/${encodeURIComponent(userId)}/instances`))
      .instances;
  }

  async stopUserInstance(userId: string, instanceId: string): Promise<ActionResult> {
    const path = `/v3/users/${encodeURIComponent(userId)}/instances/${encodeURIComponent(instanceId)}/action`;
    return this.#send<ActionResult>('POST', path, { action: 'stop' });
  }

  async listProjects(): Promise<Project[]> {
    return (await this.#get<{ projects: Project[] }>('/v3/projects')).projects;
  }

  async createProject(project: CreateProjectRequest): Promise<Project> {
    return (await this.#send<{ project: Project }>('POST', '/v3/projects', { project })).project;
  }

  async deleteProject(id: string): Promise<void> {
    await this.#send('DELETE', `/v3/projects/${encodeURIComponent(id)}`);
  }

  async listBuckets(): Promise<Bucket[]> {
    return (await this.#get<{ buckets: Bucket[] }>('/v3/buckets')).buckets;
  }

  async assignBucket(name: string, projectId: string): Promise<Bucket> {
    return (
      await this.#send<{ bucket: Bucket }>('PUT', `/v3/buckets/${encodeURIComponent(name)}`, {
        bucket: { project_id: projectId },
      })
    ).bucket;
  }

  async releaseBucket(name: string): Promise<void> {
    await this.#send('DELETE', `/v3/buckets/${encodeURIComponent(name)}`);
  }

  async listBudgets(): Promise<BudgetStatus[]> {
    return (await this.#get<{ budgets: BudgetStatus[] }>('/v3/budgets')).budgets;
  }

  async setBudget(scope: BudgetScope, id: string, body: SetBudgetRequest): Promise<BudgetStatus> {
    return (await this.#send<{ budget: BudgetStatus }>('PUT', budgetPath(scope, id), body)).budget;
  }

  async removeBudget(scope: BudgetScope, id: string): Promise<void> {
    await this.#send('DELETE', budgetPath(scope, id));
  }

  async assignRole(projectId: string, userId: string, role: RoleName): Promise<void> {
    await this.#send('PUT', rolePath(projectId, userId, role));
  }

  async unassignRole(projectId: string, userId: string, role: RoleName): Promise<void> {
    await this.#send('DELETE', rolePath(projectId, userId, role));
  }

  async listAssignments(
    filter: { projectId?: string | undefined; userId?: string | undefined } = {},
  ): Promise<RoleAssignment[]> {
    const query: RoleAssignmentQuery = {
      ...(filter.projectId ? { 'scope.project.id': filter.projectId } : {}),
      ...(filter.userId ? { 'user.id': filter.userId } : {}),
    };
    const response = await this.http.request<{ role_assignments: RoleAssignment[] }>(
      'GET',
      this.#at('/v3/role_assignments'),
      {
        token: this.token(),
        query,
      },
    );
    return response.body.role_assignments;
  }

  /** The secret key is in this answer only. */
  async createAccessKey(request: CreateAccessKeyRequest): Promise<CreatedAccessKey> {
    return (await this.#send<{ credential: CreatedAccessKey }>('POST', CREDENTIALS, { credential: request }))
      .credential;
  }

  /** The keys of `userId` (the caller's own when absent). */
  async listAccessKeys(userId?: string): Promise<AccessKey[]> {
    const response = await this.http.request<{ credentials: AccessKey[] }>('GET', this.#at(CREDENTIALS), {
      token: this.token(),
      query: { user_id: userId },
    });
    return response.body.credentials;
  }

  async getAccessKey(accessKey: string): Promise<AccessKey> {
    return (await this.#get<{ credential: AccessKey }>(`${CREDENTIALS}/${encodeURIComponent(accessKey)}`)).credential;
  }

  async deleteAccessKey(accessKey: string): Promise<void> {
    await this.#send('DELETE', `${CREDENTIALS}/${encodeURIComponent(accessKey)}`);
  }

  async #get<T>(path: string): Promise<T> {
    return (await this.http.request<T>('GET', this.#at(path), { token: this.token() })).body;
  }

  async #send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.http.request<T>(method, this.#at(path), { token: this.token(), body })).body;
  }
}

/** The IAM password-login body (`POST /v3/auth/tokens`, and the console's `POST /v3/auth/session`). */
export function loginBodyOf(options: Omit<LoginOptions, 'url'>) {
  const user = {
    name: options.user,
    password: options.password,
    ...(options.domain ? { domain: { name: options.domain } } : {}),
  };
  return {
    auth: {
      identity: { methods: ['password'], password: { user } },
      ...(options.project
        ? {
            scope: {
              project: { name: options.project, ...(options.domain ? { domain: { name: options.domain } } : {}) },
            },
          }
        : {}),
    },
  };
}

function rolePath(projectId: string, userId: string, role: RoleName): string {
  return `/v3/projects/${encodeURIComponent(projectId)}/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(role)}`;
}

function budgetPath(scope: BudgetScope, id: string): string {
  return `/v3/${scope === 'project' ? 'projects' : 'users'}/${encodeURIComponent(id)}/budget`;
}
