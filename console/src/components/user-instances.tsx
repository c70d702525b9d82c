/**
 * Administration: one user's instances in every project (a system admin's session is scoped to one
 * project, so these come from `/v3/users/{id}/instances`), and stopping a running one after asking.
 * While one is on its way somewhere (stopping, starting) the list is read again every few seconds.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { UserInstance } from '../../../src/client/index.js';
import { ColumnHeads } from './column-heads.js';
import type { Question } from './give-role-form.js';
import { StatusBadge } from './status-badge.js';
import type { ConsoleSession } from '../session.js';
import { isTransitional } from '../statuses.js';

const REFRESH_MS = 2000;

export function UserInstances({
  console: c,
  userId,
  userName,
  ask,
  change,
  report,
}: {
  console: ConsoleSession;
  userId: string;
  userName: string;
  ask(question: Question): void;
  /** Runs a change and reads `reload` after it (run-change). */
  change(what: string, run: () => Promise<unknown>, reload: () => Promise<void>): Promise<boolean>;
  report(error: unknown): void;
}) {
  const [instances, setInstances] = useState<UserInstance[] | null>(null);
  const load = useCallback(async () => {
    try {
      setInstances(await c.client.listUserInstances(userId));
    } catch (error) {
      report(error);
    }
  }, [c, userId]);

  useEffect(() => {
    void load();
  }, [load]);
  const moving = instances?.some((i) => isTransitional(i.status)) ?? false;
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(() => void load(), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [instances, moving, load]);

  function askStop(i: UserInstance): void {
    ask({
      title: `Stop ${i.name} of ${userName}?`,
      message: `It runs in the project ${i.project_name}. What its kernels hold in memory is lost; its files stay.`,
      confirmLabel: 'Stop',
      run: () =>
        void change(`${i.name} of ${userName} is stopping.`, () => c.client.stopUserInstance(userId, i.id), load),
    });
  }

  if (!instances) return <p aria-busy="true">Loading…</p>;
  if (instances.length === 0) return <p class="muted">{userName} has no instances.</p>;
  return (
    <table class="compact" aria-label={`Instances of ${userName}`}>
      <ColumnHeads names={['Instance', 'Project', 'Status', '']} />
      <tbody>
        {instances.map((i) => (
          <tr key={i.id} data-instance={i.name}>
            <td data-label="Instance">{i.name}</td>
            <td data-label="Project">{i.project_name}</td>
            <td data-label="Status">
              <StatusBadge status={i.status} />
            </td>
            <td class="row-actions">
              {i.status === 'RUNNING' && (
                <button type="button" aria-label={`Stop ${i.name} of ${userName}`} onClick={() => askStop(i)}>
                  Stop
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
