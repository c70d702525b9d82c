/**
 * @module client/types
 * The wire types of the API, taken from the server's TypeBox schemas so client and server cannot
 * drift apart. Types only: nothing of the server is loaded at run time.
 */
import type { Static } from 'typebox';
import type { BucketSchema } from '../api/schemas/bucket-schemas.js';
import type { BudgetBody, BudgetStatusSchema } from '../api/schemas/budget-schemas.js';
import type { LogQuery, NotebookLogSchema } from '../api/schemas/notebook-log-schemas.js';
import type { ResourceUsageSchema } from '../api/schemas/resource-usage-schemas.js';
import type {
  ProjectUsageQuery as ProjectUsageQuerySchema,
  UsageQuerySchema,
  UsageReportSchema,
} from '../api/schemas/usage-schemas.js';
import type {
  CreateCredentialBody,
  CreatedCredentialSchema,
  CredentialSchema,
} from '../api/schemas/credential-schemas.js';
import type {
  AssignmentQuery,
  CreateProjectBody,
  CreateUserBody,
  ProjectSchema,
  RoleAssignmentSchema,
  RoleParams,
  SessionBody,
  TokenBody,
  UpdateUserBody,
  UserSchema,
} from '../api/schemas/identity-schemas.js';
import type {
  ActionResultSchema,
  DeleteResultSchema,
  InstanceListSchema,
  InstanceSchema,
  StatusSchema,
  TokenResultSchema,
} from '../api/schemas/instance-schema.js';
import type { ActionBody, CreateInstanceBody, ListQuery, ModifyInstanceBody } from '../api/schemas/request-schemas.js';
import type {
  CatalogFlavorSchema,
  CatalogProfileSchema,
  FlavorListSchema,
  FlavorQuery,
  ProfileListSchema,
  ProfileQuery,
} from '../api/schemas/catalog-schemas.js';
import type { EventListSchema, EventQuery, EventSchema } from '../api/schemas/event-schema.js';
import type { ShareBody, ShareListSchema, SharedWithMeSchema, ShareSchema } from '../api/schemas/share-schemas.js';
import type { UserInstanceSchema } from '../api/schemas/user-instance-schemas.js';

export type Instance = Static<typeof InstanceSchema>;
export type InstanceStatus = Static<typeof StatusSchema>;
export type InstanceList = Static<typeof InstanceListSchema>;
export type CreateInstanceRequest = Static<typeof CreateInstanceBody>;
export type UpdateInstanceRequest = Static<typeof ModifyInstanceBody>;
export type InstanceAction = Static<typeof ActionBody>['action'];
export type ActionResult = Static<typeof ActionResultSchema>;
export type DeleteResult = Static<typeof DeleteResultSchema>;
export type InstanceTokenResult = Static<typeof TokenResultSchema>;
/** The list query; `de_type` defaults to `Notebook`, the only value the API accepts. */
export type ListInstancesQuery = Omit<Static<typeof ListQuery>, 'de_type'> & { de_type?: 'Notebook' };
/** An entry of an instance's history (`GET …/instances/{id}/events`). */
export type InstanceEvent = Static<typeof EventSchema>;
export type InstanceEventList = Static<typeof EventListSchema>;
export type InstanceEventQuery = Static<typeof EventQuery>;

/** The last lines of the notebook's log (`GET …/instances/{id}/logs`). */
export type NotebookLog = Static<typeof NotebookLogSchema>;
export type NotebookLogQuery = Static<typeof LogQuery>;
/** A running notebook's CPU and memory use (`GET …/instances/{id}/usage`); null figures: not known. */
export type ResourceUsage = Static<typeof ResourceUsageSchema>;

/** A usage report (`GET …/demanager/usage`, `GET /v3/usage`): totals and groups of a window. */
export type UsageReport = Static<typeof UsageReportSchema>;
/** What a project's usage report may ask (`format` is the client's: see `usageReportCsv`). */
export type ProjectUsageQuery = Omit<Static<typeof ProjectUsageQuerySchema>, 'format'>;
/** What a report across projects may ask (system admins). */
export type UsageQuery = Omit<Static<typeof UsageQuerySchema>, 'format'>;

export type InstanceShare = Static<typeof ShareSchema>;
export type InstanceShareList = Static<typeof ShareListSchema>;
/** The ids of the project's instances shared with the caller. */
export type SharedWithMe = Static<typeof SharedWithMeSchema>;
/** Whom to share with: `{ user_name }` or `{ user_id }`. */
export type ShareRequest = Static<typeof ShareBody>;

export type CatalogProfile = Static<typeof CatalogProfileSchema>;
export type ProfileList = Static<typeof ProfileListSchema>;
export type ProfileListQuery = Static<typeof ProfileQuery>;
/** A flavor as the caller may pick it: Table 7 (sold out, permitted, queue) plus capacity and queueing. */
export type CatalogFlavor = Static<typeof CatalogFlavorSchema>;
export type FlavorList = Static<typeof FlavorListSchema>;
export type FlavorListQuery = Static<typeof FlavorQuery>;

export type TokenDocument = Static<typeof TokenBody>;
/** The console's cookie session (`/v3/auth/session`). */
export type SessionDocument = Static<typeof SessionBody>;
export type User = Static<typeof UserSchema>;
export type Project = Static<typeof ProjectSchema>;
export type RoleAssignment = Static<typeof RoleAssignmentSchema>;
export type CreateUserRequest = Static<typeof CreateUserBody>['user'];
export type UpdateUserRequest = Static<typeof UpdateUserBody>['user'];
export type CreateProjectRequest = Static<typeof CreateProjectBody>['project'];
export type RoleName = Static<typeof RoleParams>['role_id'];
/** One of a user's instances, in whichever project (`GET /v3/users/{id}/instances`, system admins). */
export type UserInstance = Static<typeof UserInstanceSchema>;
/** An obs bucket, who holds it and how many instances use it (`/v3/buckets`). */
export type Bucket = Static<typeof BucketSchema>;
/** A budget of a project or user, what was used of it and when it runs out (`/v3/budgets`, `…/demanager/budgets`). */
export type BudgetStatus = Static<typeof BudgetStatusSchema>;
/** What a system admin sets (`PUT /v3/projects/{id}/budget`, `PUT /v3/users/{id}/budget`). */
export type SetBudgetRequest = Static<typeof BudgetBody>;
/** Whose budget: a project's or a user's. */
export type BudgetScope = BudgetStatus['scope'];
/** `GET /v3/role_assignments` filters, with their Keystone spellings (`scope.project.id`, `user.id`). */
export type RoleAssignmentQuery = Static<typeof AssignmentQuery>;

/** A permanent access key (AK) as listed: never with its secret. */
export type AccessKey = Static<typeof CredentialSchema>;
/** The create answer: the only time the secret key (SK) is shown. */
export type CreatedAccessKey = Static<typeof CreatedCredentialSchema>;
export type CreateAccessKeyRequest = Static<typeof CreateCredentialBody>['credential'];
