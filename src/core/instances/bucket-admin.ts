/**
 * @module core/instances/bucket-admin
 * What a system admin does with obs buckets (core/model/obs-buckets): see who holds which, give one
 * to a project (moving it, or granting one nobody has used yet), and release one no instance uses.
 * Files are never touched: a bucket's directory stays as it is, whoever holds it next.
 */
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { isBucketName, type ObsBucket, type ObsBucketUse } from '../model/obs-buckets.js';
import type { Store } from '../ports/store.js';

export class BucketAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  list(): Promise<ObsBucketUse[]> {
    return this.store.buckets.list();
  }

  /** Gives `name` to the project, whoever held it; its other projects' instances then fail to start. */
  async assign(name: string, projectId: string, by: string): Promise<ObsBucketUse> {
    checkName(name);
    if (!(await this.store.identity.getProject(projectId))) throw new DomainError('IAM.0002', 'project');
    const bucket: ObsBucket = { name, projectId, claimedAt: this.clock.now(), assignedBy: by };
    await this.store.buckets.assign(bucket);
    return (await this.list()).find((b) => b.name === name) ?? { ...bucket, instances: 0 };
  }

  async release(name: string): Promise<void> {
    checkName(name);
    const outcome = await this.store.buckets.release(name);
    if (outcome === 'absent') throw new DomainError('IAM.0002', 'obs bucket');
    if (outcome === 'in-use')
      throw new DomainError(
        'IAM.0004',
        `instances still use the obs bucket ${name}; delete them or assign the bucket instead`,
      );
  }
}

function checkName(name: string): void {
  if (!isBucketName(name))
    throw new DomainError('IAM.0004', 'a bucket name is one path segment: no /, \\, control characters, . or ..');
}
