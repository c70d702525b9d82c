/**
 * @module core/model/instance-share
 * A grant by an instance's owner or a project admin to another member of the project: they may
 * open the notebook (core/identity/notebook-openers) while the share, their account and their
 * role in the project last. The grant outlives a restart; the tokens it lets them ask for do not.
 */
export interface InstanceShare {
  instanceId: string;
  userId: string;
  userName: string;
  /** The user id of whoever granted it. */
  grantedBy: string;
  /** Their name, or null once that user is deleted. */
  grantedByName: string | null;
  /** Epoch ms. */
  grantedAt: number;
}

/** A share as written: the names are read from the users when it is listed. */
export type NewInstanceShare = Omit<InstanceShare, 'userName' | 'grantedByName'>;
