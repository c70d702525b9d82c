/**
 * @module core/warm/warm-plan
 * Which warm servers to start and which to stop, from the catalog, the instances holding a slot
 * and the servers kept now. A warm server counts against its flavor's capacity (and the host's
 * GPUs) as an instance does: one is started only into a free slot, and when instances take the
 * slots (a create of another profile, an admission from the line) the warm servers give theirs
 * up, so a create never waits or is refused because of one. Servers of a flavor or profile no
 * longer configured, or beyond what `warm` asks now, stop.
 */
import { gpusOf, type Catalog, type Flavor } from '../model/catalog.js';
import { soldOut } from '../capacity/admission.js';

export interface KeptSlot {
  instanceId: string;
  flavor: string;
  profileId: string;
}

export interface WarmPlan {
  /** One entry per server to start. */
  start: { flavor: string; profileId: string }[];
  /** Instance ids of the servers to stop. */
  stop: string[];
}

/** The profiles a flavor keeps warm servers for: those that run on its type. */
export function warmProfiles(catalog: Catalog, flavor: Flavor): string[] {
  if (!(flavor.warm > 0)) return [];
  return catalog.data.profiles.filter((p) => p.flavor_types.includes(flavor.type)).map((p) => p.id);
}

export function planWarm(catalog: Catalog, holders: ReadonlyMap<string, number>, kept: readonly KeptSlot[]): WarmPlan {
  const stop: string[] = [];
  const counts = new Map(holders);
  const add = (flavor: string, n: number) => counts.set(flavor, (counts.get(flavor) ?? 0) + n);
  // What the catalog still asks for, up to `warm` per flavor and profile.
  const keep: KeptSlot[] = [];
  const perKey = new Map<string, number>();
  for (const slot of kept) {
    const flavor = catalog.flavor(slot.flavor);
    const key = `${slot.flavor}\n${slot.profileId}`;
    const wanted = flavor && warmProfiles(catalog, flavor).includes(slot.profileId) ? flavor.warm : 0;
    if ((perKey.get(key) ?? 0) >= wanted) {
      stop.push(slot.instanceId);
      continue;
    }
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    keep.push(slot);
    add(slot.flavor, 1);
  }
  // Slots the instances took since: warm servers give theirs up, the last kept first, until the count fits.
  for (let i = keep.length - 1; i >= 0; i--) {
    const slot = keep[i]!;
    if (!overCommitted(catalog, catalog.flavor(slot.flavor)!, counts)) continue;
    stop.push(slot.instanceId);
    add(slot.flavor, -1);
    perKey.set(`${slot.flavor}\n${slot.profileId}`, perKey.get(`${slot.flavor}\n${slot.profileId}`)! - 1);
  }
  const start: WarmPlan['start'] = [];
  for (const flavor of catalog.data.flavors) {
    for (const profileId of warmProfiles(catalog, flavor)) {
      const key = `${flavor.name}\n${profileId}`;
      for (let have = perKey.get(key) ?? 0; have < flavor.warm; have++) {
        if (soldOut(catalog, flavor, counts)) break;
        start.push({ flavor: flavor.name, profileId });
        add(flavor.name, 1);
      }
    }
  }
  return { start, stop };
}

/** More than the flavor's capacity, or than the host's GPUs, are held now. */
function overCommitted(catalog: Catalog, flavor: Flavor, counts: ReadonlyMap<string, number>): boolean {
  if (flavor.capacity > 0 && (counts.get(flavor.name) ?? 0) > flavor.capacity) return true;
  if (catalog.hostGpus === null || gpusOf(flavor) === 0) return false;
  let used = 0;
  for (const [name, weight] of Object.entries(catalog.gpuWeights())) used += (counts.get(name) ?? 0) * weight;
  return used > catalog.hostGpus;
}
