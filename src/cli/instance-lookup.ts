/**
 * @module cli/instance-lookup
 * Finds an instance by id or name the way the existing ModelArts CLI does (spec §6): ask for it
 * as an id first; on a 400 or 404, list and match the name or the id.
 */
import { DemanagerApiError, type DemanagerClient, type Instance } from '../client/index.js';

function isLookupMiss(error: unknown): boolean {
  return error instanceof DemanagerApiError && (error.status === 400 || error.status === 404);
}

export async function findInstance(client: DemanagerClient, ref: string): Promise<Instance> {
  try {
    return await client.get(ref);
  } catch (error) {
    if (!isLookupMiss(error)) throw error;
    // Names are unique within a project; show_self=false lets project admins reach others' instances.
    const { instances } = await client.list({ show_self: 'false' });
    const match = instances.find((i) => i.name === ref) ?? instances.find((i) => i.id === ref);
    if (!match) throw error;
    // The listing may be broader than what the caller may open; the detail GET decides.
    return match.id === ref ? match : await client.get(match.id);
  }
}
