/**
 * @module core/model/identity-types
 * Users, projects, roles and tokens as the store keeps them (Keystone v3 concepts).
 */

export type RoleName = 'admin' | 'member';
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'member'];

export interface User {
  id: string;
  name: string;
  domain: string;
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64url parts). */
  passwordHash: string;
  /** May manage users, projects and role assignments. */
  isSystemAdmin: boolean;
  enabled: boolean;
  createdAt: number;
}

export interface Project {
  id: string;
  name: string;
  domain: string;
  description: string;
  createdAt: number;
}

export interface RoleAssignment {
  projectId: string;
  userId: string;
  role: RoleName;
}

/** A token as stored: only its SHA-256 hash, never the token itself. */
export interface StoredToken {
  hash: string;
  userId: string;
  projectId: string;
  issuedAt: number;
  expiresAt: number;
}

/** A permanent access key (AK) of a user, as stored: the secret key (SK) only sealed. */
export interface StoredAccessKey {
  /** The AK: 20 upper-case letters and digits. */
  accessKey: string;
  userId: string;
  /** The SK sealed by core/secrets/box; opened only to check a signature. */
  sealedSecret: string;
  description: string;
  createdAt: number;
  /** When a request with a valid signature by it last arrived (to the minute); null if never. */
  lastUsedAt: number | null;
}
