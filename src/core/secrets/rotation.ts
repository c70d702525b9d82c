/**
 * @module core/secrets/rotation
 * Re-seals every stored secret under a new master key: the credentials inside instance documents
 * (`spec.credential`, a repository's connection credential) and access keys' secrets. The boxes
 * seal with the new key and open with the new or the old one. Each row is rewritten by its own
 * compare-and-set write, and a value already sealed with the new key is left as it is, so a
 * rotation that was interrupted is finished by running it again.
 *
 * Instance tokens and workload tokens are derived from the master key, not stored: a notebook
 * started under the old key would not accept the proxy's new workload token, so rotation refuses
 * while any instance may have a live workload.
 */
import type { Instance } from '../model/instance.js';
import { mapCredentials } from '../model/instance.js';
import type { SealingBoxes } from './box.js';
import { INSTANCE_STATUSES, LIVE_STATUSES } from '../model/statuses.js';
import type { Store } from '../ports/store.js';

export interface RotationCount {
  /** Rows holding at least one sealed value. */
  sealed: number;
  /** Of those, the rows this run re-sealed (the others were sealed with the new key already). */
  resealed: number;
}

export interface RotationResult {
  instances: RotationCount;
  accessKeys: RotationCount;
}

/** The rotation cannot run now; nothing was changed. */
export class RotationRefused extends Error {
  override readonly name = 'RotationRefused';
}

/**
 * Rewrites one row until its compare-and-set write wins: `reseal` answers the row's new content,
 * or null when it has nothing to re-seal; `write` answers false when the row changed underneath,
 * and `reread` fetches it again (undefined when it is gone). Answers whether it wrote.
 */
async function rewrite<T>(
  row: T | undefined,
  reseal: (row: T) => T | null,
  write: (row: T, next: T) => Promise<boolean>,
  reread: (row: T) => Promise<T | undefined>,
): Promise<boolean> {
  while (row !== undefined) {
    const next = reseal(row);
    if (next === null) return false;
    if (await write(row, next)) return true;
    row = await reread(row);
  }
  return false;
}

/** Says which row a value that cannot be opened belongs to. */
function inRow<T>(what: (row: T) => string, reseal: (row: T) => T | null): (row: T) => T | null {
  return (row) => {
    try {
      return reseal(row);
    } catch (err) {
      throw new Error(`${what(row)}: ${(err as Error).message}`, { cause: err });
    }
  };
}

function hasSealedValues(instance: Instance): boolean {
  return instance.spec.credential != null || instance.spec.repository?.connection_info?.credential != null;
}

async function resealInstances(store: Store, boxes: SealingBoxes): Promise<RotationCount> {
  const count: RotationCount = { sealed: 0, resealed: 0 };
  const reseal = inRow<Instance>(
    (i) => `instance ${i.id}`,
    (instance) => {
      const spec = mapCredentials(instance.spec, (credential) => boxes.secrets.resealCredential(credential));
      return JSON.stringify(spec) === JSON.stringify(instance.spec) ? null : { ...instance, spec };
    },
  );
  for (const instance of await store.instances.listByStatus(INSTANCE_STATUSES)) {
    if (!hasSealedValues(instance)) continue;
    count.sealed++;
    const wrote = await rewrite(
      instance,
      reseal,
      async (_row, next) => (await store.instances.update(next)) !== undefined,
      (row) => store.instances.getById(row.id),
    );
    if (wrote) count.resealed++;
  }
  return count;
}

async function resealAccessKeys(store: Store, boxes: SealingBoxes): Promise<RotationCount> {
  const count: RotationCount = { sealed: 0, resealed: 0 };
  const reseal = inRow<{ accessKey: string; sealedSecret: string }>(
    (k) => `access key ${k.accessKey}`,
    (key) =>
      boxes.accessKeys.isCurrent(key.sealedSecret)
        ? null
        : { ...key, sealedSecret: boxes.accessKeys.reseal(key.sealedSecret) },
  );
  for (const user of await store.identity.listUsers()) {
    for (const key of await store.identity.listAccessKeys(user.id)) {
      count.sealed++;
      const wrote = await rewrite(
        key,
        reseal,
        (row, next) => store.identity.replaceSealedSecret(row.accessKey, row.sealedSecret, next.sealedSecret),
        (row) => store.identity.getAccessKey(row.accessKey),
      );
      if (wrote) count.resealed++;
    }
  }
  return count;
}

/**
 * Re-seals every stored secret with `boxes`' current keys. Refuses, changing nothing, while an
 * instance may have a live workload; stops at the first value neither key opens.
 */
export async function resealSecrets(store: Store, boxes: SealingBoxes): Promise<RotationResult> {
  const live = await store.instances.listByStatus([...LIVE_STATUSES]);
  if (live.length > 0) {
    const names = live.map((i) => `${i.name} (${i.id}, ${i.status})`).join(', ');
    throw new RotationRefused(`stop these instances first, their workloads hold tokens of the current key: ${names}`);
  }
  const instances = await resealInstances(store, boxes);
  const accessKeys = await resealAccessKeys(store, boxes);
  return { instances, accessKeys };
}
