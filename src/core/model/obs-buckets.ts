/**
 * @module core/model/obs-buckets
 * Object storage (`obs`, `efs`, `obsfs`) is shared by path, `/bucket/dir/…`, and outlives the
 * instances that use it, so a bucket (the first path segment) belongs to one project: the first
 * to create an instance in it, or the one a system admin assigns it to. Another project naming
 * it is refused at create (403 ModelArts.0109) and, should it get there anyway (an instance made
 * before buckets had owners, a bucket reassigned since), at start.
 */
import { DomainError } from '../shared/errors.js';
import type { Storage } from './instance.js';

export interface ObsBucket {
  name: string;
  projectId: string;
  /** Epoch ms of the claim or the last assignment. */
  claimedAt: number;
  /** The system admin who assigned it, or null when an instance's create claimed it. */
  assignedBy: string | null;
}

/** An obs bucket with the number of instances whose storage lies in it (of any project). */
export interface ObsBucketUse extends ObsBucket {
  instances: number;
}

/** The bucket `storage` lies in, or null for storage of the instance's own (`evs`). */
export function bucketOf(storage: Storage): string | null {
  if (storage.type === 'evs') return null;
  // As runtime/local/safe-paths reads it: a scheme (`obs://`) stands for the root, empty segments vanish.
  const path = (storage.location.path ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '/');
  return path.split('/').find((segment) => segment !== '') ?? null;
}

/** Bucket names are one path segment: what {@link bucketOf} can return and no path can escape by. */
export function isBucketName(name: string): boolean {
  return (
    name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(name)
  );
}

/** A write that needed a bucket another project holds; nothing was written. */
export class BucketHeldError extends Error {
  constructor(
    readonly bucket: string,
    readonly holder: string,
  ) {
    super(`the obs bucket ${bucket} belongs to project ${holder}`);
    this.name = 'BucketHeldError';
  }
}

/** The refusal an owner reads (the holder is not named: another project's name is not theirs to learn). */
export function bucketRefusal(bucket: string): DomainError {
  return new DomainError('ModelArts.0109', JSON.stringify(bucket));
}
