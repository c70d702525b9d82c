/**
 * @module console/components/instance-section
 * What a section of an instance's page that loads its own data is given: the session to ask with,
 * the instance as the page shows it (its status drives when to ask again), and where failures go
 * (a 401 signs out).
 */
import type { Instance } from '../../../src/client/index.js';
import type { ConsoleSession } from '../session.js';

export interface InstanceSectionProps {
  console: ConsoleSession;
  instance: Instance;
  onFailure(error: unknown): void;
}
