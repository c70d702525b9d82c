/**
 * Administration's users: a search that filters by name as one types, and for each user enable or
 * disable and delete (the page asks first) and "Manage", which opens the user's panel (system-admin
 * right, password, instances) in a row under theirs.
 */
import { useState } from 'preact/hooks';
import type { User } from '../../../src/client/index.js';
import type { ConsoleSession } from '../session.js';
import { ColumnHeads } from './column-heads.js';
import { UserPanel, type UserChanges } from './user-panel.js';

export function UsersTable({
  console: c,
  users,
  setEnabled,
  askDelete,
  ...changes
}: {
  console: ConsoleSession;
  users: readonly User[];
  setEnabled(user: User): void;
  askDelete(user: User): void;
} & UserChanges) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const wanted = query.trim().toLowerCase();
  const shown = users.filter((u) => u.name.toLowerCase().includes(wanted));

  return (
    <>
      <label class="admin-search">
        Search users
        <input
          type="search"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          autocomplete="off"
          placeholder="Name or part of it"
        />
      </label>
      <p class="visually-hidden" role="status">
        {wanted ? `${shown.length} of ${users.length} users match.` : ''}
      </p>
      <table class="compact">
        <ColumnHeads names={['Name', 'State', '']} />
        <tbody>
          {shown.map((u) => {
            const panel = `user-panel-${u.id}`;
            const self = u.id === c.session.user.id;
            return [
              <tr key={u.id} data-user={u.name}>
                <td data-label="Name">
                  {u.name}
                  {u.is_system_admin && <span class="muted"> · system admin</span>}
                </td>
                <td data-label="State">{u.enabled ? 'enabled' : 'disabled'}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    aria-label={`Manage user ${u.name}`}
                    aria-expanded={open === u.id}
                    aria-controls={open === u.id ? panel : undefined}
                    onClick={() => setOpen(open === u.id ? null : u.id)}
                  >
                    Manage
                  </button>
                  {!self && (
                    <>
                      <button type="button" onClick={() => setEnabled(u)}>
                        {u.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete user ${u.name}`}
                        onClick={() => askDelete(u)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>,
              open === u.id && (
                <tr key={`${u.id}-panel`} class="user-panel">
                  <td colSpan={3}>
                    <UserPanel console={c} user={u} id={panel} {...changes} />
                  </td>
                </tr>
              ),
            ];
          })}
          {shown.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                No user's name contains “{query.trim()}”.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
