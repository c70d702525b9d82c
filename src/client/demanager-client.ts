/**
 * @module client/demanager-client
 * The client most callers want: logs in (or adopts a token), then offers the instance operations
 * and the administration endpoints with the session's token and API base filled in.
 */
import { CatalogClient } from './catalog-client.js';
import { DemanagerError } from './errors.js';
import { HttpClient, type HttpOptions } from './http.js';
import { IdentityClient } from './identity-client.js';
import { InstancesClient } from './instances-client.js';
import { UsageClient } from './usage-client.js';
import type { LoginOptions, Session } from './session.js';
import type {
  AccessKey,
  ActionResult,
  CreateAccessKeyRequest,
  CreatedAccessKey,
  CreateInstanceRequest,
  Bucket,
  BudgetScope,
  BudgetStatus,
  SetBudgetRequest,
  CreateProjectRequest,
  CreateUserRequest,
  DeleteResult,
  FlavorList,
  FlavorListQuery,
  Instance,
  InstanceAction,
  InstanceEventList,
  InstanceEventQuery,
  InstanceList,
  InstanceShare,
  InstanceShareList,
  NotebookLog,
  NotebookLogQuery,
  ResourceUsage,
  InstanceTokenResult,
  ListInstancesQuery,
  ProfileList,
  ProfileListQuery,
  Project,
  ProjectUsageQuery,
  RoleAssignment,
  RoleName,
  SharedWithMe,
  ShareRequest,
  UpdateInstanceRequest,
  UpdateUserRequest,
  UsageQuery,
  UsageReport,
  User,
  UserInstance,
} from './types.js';

export interface DemanagerClientOptions extends HttpOptions {
  /** Server base URL; needed for the `/v3` endpoints and for `login` without a `url`. */
  url?: string;
  /** A session saved from an earlier login. */
  session?: Session;
}

export class DemanagerClient {
  readonly #identity: IdentityClient;
  readonly #instances: InstancesClient;
  readonly #catalog: CatalogClient;
  readonly #usage: UsageClient;
  #url: string | undefined;
  #session: Session | undefined;

  constructor(options: DemanagerClientOptions = {}) {
    const http = new HttpClient(options);
    this.#session = options.session;
    this.#url = (options.url ?? options.session?.url)?.replace(/\/+$/, '');
    this.#identity = new IdentityClient(
      http,
      () => this.#requireUrl(),
      () => this.#session?.token,
    );
    this.#instances = new InstancesClient(
      http,
      () => this.#requireSession().apiBase,
      () => this.#session?.token,
    );
    this.#catalog = new CatalogClient(
      http,
      () => this.#requireSession().apiBase,
      () => this.#session?.token,
    );
    this.#usage = new UsageClient(
      http,
      () => this.#requireSession().apiBase,
      () => this.#requireUrl(),
      () => this.#session?.token,
    );
  }

  get session(): Session | undefined {
    return this.#session;
  }

  /** Password login; the client then acts as that user in that project. */
  async login(options: LoginOptions): Promise<Session> {
    const session = await this.#identity.login(options);
    this.#url = session.url;
    this.#session = session;
    return session;
  }

  /** Adopts an existing token: asks the server which user, project and API base it stands for. */
  async useToken(token: string): Promise<Session> {
    const session = await this.#identity.describe(token);
    this.#session = session;
    return session;
  }

  #requireUrl(): string {
    if (!this.#url) throw new DemanagerError('no server URL: pass `url` or log in first');
    return this.#url;
  }

  #requireSession(): Session {
    if (!this.#session) throw new DemanagerError('not logged in: call login() or useToken() first');
    return this.#session;
  }

  create(body: CreateInstanceRequest): Promise<Instance> {
    return this.#instances.create(body);
  }

  list(query: ListInstancesQuery = {}): Promise<InstanceList> {
    return this.#instances.list(query);
  }

  get(id: string): Promise<Instance> {
    return this.#instances.get(id);
  }

  update(id: string, body: UpdateInstanceRequest): Promise<Instance> {
    return this.#instances.update(id, body);
  }

  remove(id: string): Promise<DeleteResult> {
    return this.#instances.remove(id);
  }

  action(id: string, action: InstanceAction): Promise<ActionResult> {
    return this.#instances.action(id, action);
  }

  token(id: string): Promise<InstanceTokenResult> {
    return this.#instances.token(id);
  }

  /** The instance's history, oldest first. */
  events(id: string, page: InstanceEventQuery = {}): Promise<InstanceEventList> {
    return this.#instances.events(id, page);
  }

  /** The last `tail` lines (default 100, at most 1000) of the notebook's log, tokens masked. */
  logs(id: string, query: NotebookLogQuery = {}): Promise<NotebookLog> {
    return this.#instances.logs(id, query);
  }

  /** A running notebook's CPU and memory use; every figure null where the runtime cannot tell. */
  usage(id: string): Promise<ResourceUsage> {
    return this.#instances.usage(id);
  }

  /** The project's usage in a window: all of it for a project admin, one's own for a member. */
  usageReport(query: ProjectUsageQuery = {}): Promise<UsageReport> {
    return this.#usage.project(query);
  }

  /** {@link usageReport} as the server's CSV. */
  usageReportCsv(query: ProjectUsageQuery = {}): Promise<string> {
    return this.#usage.projectCsv(query);
  }

  /** Usage across projects (system admins). */
  allUsageReport(query: UsageQuery = {}): Promise<UsageReport> {
    return this.#usage.all(query);
  }

  /** {@link allUsageReport} as the server's CSV. */
  allUsageReportCsv(query: UsageQuery = {}): Promise<string> {
    return this.#usage.allCsv(query);
  }

  /** The budgets over this project's instances: the project's and the caller's own, where set. */
  budgets(): Promise<BudgetStatus[]> {
    return this.#instances.budgets();
  }

  /** Who the notebook is shared with. */
  shares(id: string): Promise<InstanceShareList> {
    return this.#instances.shares(id);
  }

  /** The ids of the project's instances shared with the caller, which they may open. */
  sharedWithMe(): Promise<SharedWithMe> {
    return this.#instances.sharedWithMe();
  }

  /** Shares the notebook with a member of the project, by `user_name` or `user_id`. */
  share(id: string, target: ShareRequest): Promise<InstanceShare> {
    return this.#instances.share(id, target);
  }

  /** Ends a user's share of the notebook. */
  unshare(id: string, userId: string): Promise<void> {
    return this.#instances.unshare(id, userId);
  }

  profiles(query: ProfileListQuery = {}): Promise<ProfileList> {
    return this.#catalog.profiles(query);
  }

  /** The flavors with the caller's view of them: sold out or on sale, permitted or not, the queue. */
  flavors(query: FlavorListQuery = {}): Promise<FlavorList> {
    return this.#catalog.flavors(query);
  }

  listUsers(): Promise<User[]> {
    return this.#identity.listUsers();
  }

  createUser(user: CreateUserRequest): Promise<User> {
    return this.#identity.createUser(user);
  }

  updateUser(id: string, changes: UpdateUserRequest): Promise<User> {
    return this.#identity.updateUser(id, changes);
  }

  deleteUser(id: string): Promise<void> {
    return this.#identity.deleteUser(id);
  }

  /** The user's instances in every project (system admins). */
  listUserInstances(userId: string): Promise<UserInstance[]> {
    return this.#identity.listUserInstances(userId);
  }

  /** Stops one of the user's instances, in whichever project (system admins). */
  stopUserInstance(userId: string, instanceId: string): Promise<ActionResult> {
    return this.#identity.stopUserInstance(userId, instanceId);
  }

  listProjects(): Promise<Project[]> {
    return this.#identity.listProjects();
  }

  createProject(project: CreateProjectRequest): Promise<Project> {
    return this.#identity.createProject(project);
  }

  deleteProject(id: string): Promise<void> {
    return this.#identity.deleteProject(id);
  }

  /** Obs buckets (system admins): who holds each, and how many instances use it. */
  listBuckets(): Promise<Bucket[]> {
    return this.#identity.listBuckets();
  }

  /** Gives the obs bucket to the project, whoever held it. */
  assignBucket(name: string, projectId: string): Promise<Bucket> {
    return this.#identity.assignBucket(name, projectId);
  }

  /** Releases an obs bucket no instance uses. */
  releaseBucket(name: string): Promise<void> {
    return this.#identity.releaseBucket(name);
  }

  /** Every budget (system admins), with what was used of it. */
  listBudgets(): Promise<BudgetStatus[]> {
    return this.#identity.listBudgets();
  }

  /** Sets a project's or user's budget, replacing the one it had (system admins). */
  setBudget(scope: BudgetScope, id: string, body: SetBudgetRequest): Promise<BudgetStatus> {
    return this.#identity.setBudget(scope, id, body);
  }

  /** Lifts a project's or user's budget (system admins). */
  removeBudget(scope: BudgetScope, id: string): Promise<void> {
    return this.#identity.removeBudget(scope, id);
  }

  assignRole(assignment: { projectId: string; userId: string; role: RoleName }): Promise<void> {
    return this.#identity.assignRole(assignment.projectId, assignment.userId, assignment.role);
  }

  unassignRole(assignment: { projectId: string; userId: string; role: RoleName }): Promise<void> {
    return this.#identity.unassignRole(assignment.projectId, assignment.userId, assignment.role);
  }

  listAssignments(filter: { projectId?: string; userId?: string } = {}): Promise<RoleAssignment[]> {
    return this.#identity.listAssignments(filter);
  }

  /** Creates an access key; the answer holds the secret key, which is never shown again. */
  createAccessKey(request: CreateAccessKeyRequest): Promise<CreatedAccessKey> {
    return this.#identity.createAccessKey(request);
  }

  /** The access keys of `userId`, or the caller's own. */
  listAccessKeys(userId?: string): Promise<AccessKey[]> {
    return this.#identity.listAccessKeys(userId);
  }

  getAccessKey(accessKey: string): Promise<AccessKey> {
    return this.#identity.getAccessKey(accessKey);
  }

  deleteAccessKey(accessKey: string): Promise<void> {
    return this.#identity.deleteAccessKey(accessKey);
  }
}
