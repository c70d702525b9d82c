/**
 * @module store/database
 * The schema as Kysely sees it (one interface per table, shared by the SQLite and PostgreSQL
 * stores) and the few read-side normalisations where the two drivers disagree.
 */
import type { ColumnType } from 'kysely';

/**
 * A `bigint` column as the drivers return it: better-sqlite3 gives a number, pg gives a string
 * (it will not silently lose precision), and a driver in safe-integer mode gives a bigint.
 */
export type BigintColumn = ColumnType<number | string | bigint, number, number>;

/** `integer` 0/1 standing in for a boolean, since SQLite has no boolean type. */
export type FlagColumn = ColumnType<number, number, number>;

export interface InstancesTable {
  id: string;
  project_id: string;
  user_id: string;
  name: string;
  status: string;
  flavor: string;
  workspace_id: string;
  ai_project_id: string;
  pool_id: string | null;
  created_at: BigintColumn;
  updated_at: BigintColumn;
  version: number;
  /** Copies of the times the scheduler waits on (`DueField`), null when they do not apply. */
  stop_at: BigintColumn | null;
  reserved_at: BigintColumn | null;
  resting_since: BigintColumn | null;
  /** The obs bucket its storage lies in (core/model/obs-buckets), null for `evs` (migration 0012). */
  bucket: string | null;
  /** The whole `Instance` as JSON; the columns above are copies kept for filtering and sorting. */
  doc: string;
}

/** Instances per key, written with every instance change (migration 0006); rows may hold 0. */
export interface InstanceCountsTable {
  project_id: string;
  user_id: string;
  workspace_id: string;
  flavor: string;
  status: string;
  n: ColumnType<number | string | bigint, number, number>;
}

/** Stretches of slot holding (migration 0015); a null size is unknown, read as the flavor's today. */
export interface UsagePeriodsTable {
  seq: ColumnType<number | string | bigint, never, never>;
  instance_id: string;
  instance_name: string;
  project_id: string;
  user_id: string;
  user_name: string;
  flavor: string;
  cpus: number | null;
  memory_gib: number | null;
  gpus: number | null;
  started_at: BigintColumn;
  ended_at: BigintColumn | null;
}

/** What closed usage periods add up to per project and flavor (migration 0016; core/model/usage ClosedUsage). */
export interface UsageTotalsTable {
  project_id: string;
  flavor: string;
  instance_ms: number;
  cpu_ms: number;
  memory_gib_ms: number;
  gpu_ms: number;
}

export interface UsersTable {
  id: string;
  name: string;
  domain: string;
  password_hash: string;
  is_system_admin: FlagColumn;
  enabled: FlagColumn;
  created_at: BigintColumn;
}

export interface ProjectsTable {
  id: string;
  name: string;
  domain: string;
  description: string;
  created_at: BigintColumn;
}

export interface RoleAssignmentsTable {
  project_id: string;
  user_id: string;
  role: string;
}

export interface TokensTable {
  hash: string;
  user_id: string;
  project_id: string;
  issued_at: BigintColumn;
  expires_at: BigintColumn;
}

export interface AccessKeysTable {
  access_key: string;
  user_id: string;
  /** The secret key sealed by core/secrets/box (`sealed:v2:…`), never the key itself. */
  sealed_secret: string;
  description: string;
  created_at: BigintColumn;
  last_used_at: BigintColumn | null;
}

export interface InstanceEventsTable {
  /** Assigned by the database (SQLite autoincrement, PostgreSQL identity); never written. */
  seq: ColumnType<number | string | bigint, never, never>;
  instance_id: string;
  project_id: string;
  at: BigintColumn;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  by_user: string;
  replica: string;
  /** `Record<string, string>` as JSON. */
  detail: string | null;
}

export interface AuditLogTable {
  /** Assigned by the database; never written. */
  seq: ColumnType<number | string | bigint, never, never>;
  at: BigintColumn;
  project_id: string | null;
  user_id: string | null;
  user_name: string | null;
  action: string;
  target: string | null;
  source: string;
  status: number;
  outcome: string;
  replica: string;
  /** `Record<string, string>` as JSON. */
  detail: string | null;
}

export interface LeasesTable {
  name: string;
  /** null once released. */
  holder: string | null;
  expires_at: BigintColumn;
}

export interface InstallationTable {
  id: string;
}

/** Who holds which obs bucket (migration 0012). */
export interface ObsBucketsTable {
  name: string;
  project_id: string;
  claimed_at: BigintColumn;
  /** The system admin who assigned it; null when a create claimed it. */
  assigned_by: string | null;
}

export interface WriteProbesTable {
  replica: string;
  at: BigintColumn;
}

/** Who an instance is shared with (migration 0014); writes raise the identity revision. */
export interface InstanceSharesTable {
  instance_id: string;
  user_id: string;
  /** The user id of the owner or admin who granted it. */
  granted_by: string;
  granted_at: BigintColumn;
}

/** Budgets of projects and users (migration 0017); `scope` is `project` or `user`. */
export interface BudgetsTable {
  scope: string;
  target_id: string;
  gpu_hours: number | null;
  cpu_hours: number | null;
  period: string;
  set_by: string;
  set_at: BigintColumn;
}

/** One row (id 1): bumped by triggers on every write to users and role assignments (migration 0011). */
export interface IdentityRevisionTable {
  id: number;
  revision: BigintColumn;
}

export interface Database {
  installation: InstallationTable;
  instances: InstancesTable;
  instance_counts: InstanceCountsTable;
  instance_events: InstanceEventsTable;
  audit_log: AuditLogTable;
  leases: LeasesTable;
  users: UsersTable;
  projects: ProjectsTable;
  role_assignments: RoleAssignmentsTable;
  tokens: TokensTable;
  access_keys: AccessKeysTable;
  write_probes: WriteProbesTable;
  identity_revision: IdentityRevisionTable;
  obs_buckets: ObsBucketsTable;
  instance_shares: InstanceSharesTable;
  usage_periods: UsagePeriodsTable;
  usage_totals: UsageTotalsTable;
  budgets: BudgetsTable;
}

/** SQLite accepts OFFSET only after a LIMIT; this one is "no limit" on both dialects. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Reads a `bigint` (or `count(*)`) value as a JS number; epoch ms and counts fit exactly. */
export function toNumber(value: number | string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`database returned a non-integer or unsafe integer: ${String(value)}`);
  return n;
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromFlag(value: number | string | bigint): boolean {
  return toNumber(value) !== 0;
}

/** SQLite (better-sqlite3) and PostgreSQL (pg, SQLSTATE 23505) report a unique violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
