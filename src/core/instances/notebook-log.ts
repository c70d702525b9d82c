/**
 * @module core/instances/notebook-log
 * The notebook log (a demanager extension): the last lines its server wrote, for those who may
 * open the notebook. The log is the workload's own output — kernels' tracebacks, paths, whatever
 * the user's code prints — so it follows the notebook, not the detail page: its owner, a project
 * admin and the users it is shared with read it. Tokens are masked twice: each driver masks the
 * token of the run it knows, and this masks every `token=` a URL in the log carries, as Jupyter
 * prints its own at start-up (an older run's token, or one the user's code printed, included).
 */
import type { Catalog } from '../model/catalog.js';
import { MAX_LOG_TAIL } from '../model/notebook-log-limits.js';
import type { RuntimeDriver } from '../ports/runtime.js';
import type { Logger } from '../shared/logger.js';
import { DomainError } from '../shared/errors.js';
import type { Actor } from './lifecycle-service.js';
import type { InstanceShares } from './instance-shares.js';

export interface NotebookLog {
  lines: string[];
  /** Whether earlier lines exist than those answered. */
  truncated: boolean;
  /** False where the runtime keeps no log for the instance (never started, its Pod gone, a runtime without logs). */
  available: boolean;
}

const NONE: NotebookLog = { lines: [], truncated: false, available: false };

/** `?token=…`, `&token=…`, `#token=…` in URLs, as Jupyter prints its links; case-insensitive. */
const URL_TOKEN = /([?&#]token=)[^\s&#"'<>]+/gi;

/** Masks every token a URL in the line carries. */
export function maskUrlTokens(line: string): string {
  return line.replace(URL_TOKEN, '$1[redacted]');
}

export interface NotebookLogsOptions {
  driver: Pick<RuntimeDriver, 'logs'>;
  catalog: Catalog;
  shares: Pick<InstanceShares, 'openable'>;
  log: Logger;
}

export class NotebookLogs {
  readonly #options: NotebookLogsOptions;

  constructor(options: NotebookLogsOptions) {
    this.#options = options;
  }

  /** The last `tail` lines (1 … {@link MAX_LOG_TAIL}) of the instance's log. */
  async read(actor: Actor, instanceId: string, tail: number): Promise<NotebookLog> {
    if (!Number.isInteger(tail) || tail < 1 || tail > MAX_LOG_TAIL) throw new DomainError('ModelArts.6336', 'tail');
    const { driver, catalog, shares, log } = this.#options;
    const instance = await shares.openable(actor, instanceId);
    const profile = catalog.profile(instance.profileId);
    const flavor = catalog.flavor(instance.flavor);
    if (!driver.logs || !profile || !flavor) return NONE;
    let read: Awaited<ReturnType<NonNullable<RuntimeDriver['logs']>>>;
    try {
      read = await driver.logs({ instance, profile, flavor }, tail);
    } catch (err) {
      log.warn({ err, instance: instanceId }, 'reading the notebook log failed');
      throw new DomainError('ModelArts.6361').because('the runtime could not read the notebook log');
    }
    if (!read) return NONE;
    return { lines: read.lines.map(maskUrlTokens), truncated: read.truncated, available: true };
  }
}
