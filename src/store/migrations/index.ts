/**
 * @module store/migrations
 * Every schema migration, keyed by name for Kysely's `Migrator` (which runs them in name order).
 * A plain object rather than a folder scan, so it works the same from tsx and from compiled JS.
 */
import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { eventsAndLeases } from './0002-events-and-leases.js';
import { dueTimes } from './0003-due-times.js';
import { accessKeys } from './0004-access-keys.js';
import { auditLog } from './0005-audit-log.js';
import { instanceCounts } from './0006-instance-counts.js';
import { changesSince } from './0007-changes-since.js';
import { installation } from './0008-installation.js';
import { noStatusIndex } from './0009-no-status-index.js';
import { namesUniqueRegardlessOfCase } from './0010-names-unique-regardless-of-case.js';
import { identityRevision } from './0011-identity-revision.js';
import { obsBuckets } from './0012-obs-buckets.js';
import { writeProbes } from './0013-write-probes.js';
import { instanceShares } from './0014-instance-shares.js';
import { usagePeriods } from './0015-usage-periods.js';
import { usageTotals } from './0016-usage-totals.js';
import { budgets } from './0017-budgets.js';
import { writeNotifications } from './0018-write-notifications.js';
import type { SchemaDialect } from './schema-dialect.js';

export function migrationsFor(dialect: SchemaDialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-events-and-leases': eventsAndLeases(dialect),
    '0003-due-times': dueTimes,
    '0004-access-keys': accessKeys(dialect),
    '0005-audit-log': auditLog(dialect),
    '0006-instance-counts': instanceCounts(dialect),
    '0007-changes-since': changesSince,
    '0008-installation': installation(dialect),
    '0009-no-status-index': noStatusIndex,
    '0010-names-unique-regardless-of-case': namesUniqueRegardlessOfCase,
    '0011-identity-revision': identityRevision(dialect),
    '0012-obs-buckets': obsBuckets(dialect),
    '0013-write-probes': writeProbes(dialect),
    '0014-instance-shares': instanceShares(dialect),
    '0015-usage-periods': usagePeriods(dialect),
    '0016-usage-totals': usageTotals(dialect),
    '0017-budgets': budgets(dialect),
    '0018-write-notifications': writeNotifications(dialect),
  };
}
