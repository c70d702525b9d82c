/**
 * @module cli/instance-bodies
 * Request bodies from command-line flags: the create body (optionally on top of a `--file`), and
 * the modify body of `update`.
 */
import { readFileSync } from 'node:fs';
import type { CreateInstanceRequest, UpdateInstanceRequest } from '../client/index.js';
import { UsageError } from './cli-errors.js';
import { readAll } from './stdin.js';

export interface CreateFlags {
  file?: string;
  name?: string;
  description?: string;
  profile?: string;
  flavor?: string;
  storageType?: string;
  path?: string;
  volumeSize?: number;
  mountPath?: string;
  autoStop?: number | false;
  workspace?: string;
  aiProject?: string;
  pool?: string;
}

async function readBodyFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === '-' ? await readAll() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${file} must hold a JSON object (the create request body)`);
  return value as Record<string, unknown>;
}

function objectAt(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = record[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ...(value as Record<string, unknown>) }
    : {};
}

/** The file's body (if any) with every given flag laid over it. */
export async function createBody(flags: CreateFlags): Promise<CreateInstanceRequest> {
  const body = flags.file ? await readBodyFile(flags.file) : {};
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.description !== undefined) body.description = flags.description;
  if (flags.profile !== undefined) body.profile_id = flags.profile;
  if (flags.flavor !== undefined) body.flavor = flags.flavor;
  if (flags.workspace !== undefined) body.workspace = { id: flags.workspace };
  if (flags.aiProject !== undefined) body.ai_project = { id: flags.aiProject };
  if (flags.pool !== undefined) body.pool = { id: flags.pool };

  const spec = objectAt(body, 'spec');
  const storageFlags = [flags.storageType, flags.path, flags.volumeSize, flags.mountPath].some((v) => v !== undefined);
  if (storageFlags || !flags.file) {
    const storage = objectAt(spec, 'storage');
    const location = objectAt(storage, 'location');
    // Without an explicit type: a path means OBS, otherwise an EVS volume.
    storage.type =
      flags.storageType ?? (typeof storage.type === 'string' ? storage.type : flags.path !== undefined ? 'obs' : 'evs');
    if (flags.path !== undefined) location.path = flags.path;
    if (flags.volumeSize !== undefined) location.volume_size = flags.volumeSize;
    if (flags.mountPath !== undefined) location.mount_path = flags.mountPath;
    storage.location = location;
    spec.storage = storage;
  }
  if (flags.autoStop !== undefined) {
    spec.auto_stop =
      flags.autoStop === false ? { enable: false } : { enable: true, duration: flags.autoStop, prompt: true };
  }
  body.spec = spec;

  if (!flags.file) {
    const missing = (['name', 'profile', 'flavor'] as const)
      .filter((flag) => flags[flag] === undefined)
      .map((flag) => `--${flag}`);
    if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')} (or give the whole body with --file)`);
  }
  // The server validates the body; this is its declared shape, not a checked one.
  return body as CreateInstanceRequest;
}

export interface UpdateFlags {
  description?: string;
  autoStop?: number | false;
  flavor?: string;
}

export function updateBody(flags: UpdateFlags): UpdateInstanceRequest {
  const body: UpdateInstanceRequest = {};
  if (flags.description !== undefined) body.description = flags.description;
  if (flags.flavor !== undefined) body.flavor = flags.flavor;
  if (flags.autoStop !== undefined) {
    body.spec = {
      auto_stop: flags.autoStop === false ? { enable: false } : { enable: true, duration: flags.autoStop },
    };
  }
  if (Object.keys(body).length === 0)
    throw new UsageError('nothing to update: give --description, --auto-stop, --no-auto-stop or --flavor');
  return body;
}
