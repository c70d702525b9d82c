/**
 * @module api/api-context
 * What the HTTP edge needs from the rest of the service. Routes depend on this and on core, never
 * on how the service is assembled.
 */
import type { AccessKeyService } from '../core/identity/access-keys.js';
import type { BudgetService } from '../core/budgets/budget-service.js';
import type { Catalog } from '../core/model/catalog.js';
import type { Clock } from '../core/shared/clock.js';
import type { IdentityService } from '../core/identity/service.js';
import type { InstanceFeed } from '../core/changes/instance-feed.js';
import type { InstanceShares } from '../core/instances/instance-shares.js';
import type { InstanceTokens } from '../core/identity/instance-tokens.js';
import type { LifecycleService } from '../core/instances/lifecycle-service.js';
import type { NotebookLogs } from '../core/instances/notebook-log.js';
import type { ResourceUsage } from '../core/instances/resource-usage.js';
import type { ViewCounts } from '../core/capacity/view-counts.js';
import type { QueueService } from '../core/instances/queue-service.js';
import type { Store } from '../core/ports/store.js';
import type { NotebookHostPattern } from '../proxy/notebook-hosts.js';

/** What the edge records and exposes of the service's metrics (src/server/metrics.ts). */
export interface ApiMetrics {
  apiRequest(method: string, route: string, status: number, seconds: number): void;
  /** The Prometheus text exposition of every metric, and its content type. */
  readonly registry: { metrics(): Promise<string>; readonly contentType: string };
}

export interface ApiContext {
  config: {
    /** Public base URL; null derives it from each request's origin. */
    publicUrl: string | null;
    /** A host name per notebook; null serves every notebook on the API's origin. */
    notebookHost: NotebookHostPattern | null;
    region: string;
  };
  /** This server process's id, written into audit entries. */
  replica: string;
  metrics: ApiMetrics;
  clock: Clock;
  store: Store;
  catalog: Catalog;
  identity: IdentityService;
  accessKeys: AccessKeyService;
  lifecycle: LifecycleService;
  queue: QueueService;
  viewCounts: ViewCounts;
  instanceTokens: InstanceTokens;
  instanceShares: InstanceShares;
  notebookLogs: Pick<NotebookLogs, 'read'>;
  resourceUsage: Pick<ResourceUsage, 'read'>;
  budgets: Pick<BudgetService, 'list' | 'applying' | 'set' | 'remove'>;
  instanceFeed: Pick<InstanceFeed, 'watch'>;
  /** Whether this replica holds the controller lease (reported by /readyz). */
  controller: { readonly held: boolean };
}
