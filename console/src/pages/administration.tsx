/**
 * Users, projects and role assignments, for system admins (the administration API answers 403
 * to anyone else, and the console shows this page only to them). Deleting asks first; the API
 * says why it refuses (a project with instances, the last system admin), and the page shows it.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Project, RoleAssignment, RoleName, User } from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { InlineForm } from '../components/inline-form.js';
import { Messages } from '../components/messages.js';
import { PickList } from '../components/pick-list.js';
import { runChange } from '../run-change.js';
import type { ConsoleSession } from '../session.js';

/** What a delete button asked about, until it is confirmed or cancelled. */
interface Doomed {
  kind: 'user' | 'project';
  id: string;
  name: string;
}

const DELETE_WARNING: Record<Doomed['kind'], string> = {
  user: 'Their sessions and access keys stop working at once. Their instances stay in their projects.',
  project: 'Its role assignments go with it. A project that still holds instances cannot be deleted.',
};

interface Directory {
  users: User[];
  projects: Project[];
  assignments: RoleAssignment[];
}

export function AdministrationPage({
  console: c,
  onFailure,
}: {
  console: ConsoleSession;
  onFailure(error: unknown): void;
}) {
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [projectName, setProjectName] = useState('');
  const [projectDescription, setProjectDescription] = useState('');
  const [assignUser, setAssignUser] = useState('');
  const [assignProject, setAssignProject] = useState('');
  const [assignRole, setAssignRole] = useState<RoleName>('member');
  const [asking, setAsking] = useState<Doomed | null>(null);
  const report = reporter(setProblem, onFailure);

  const load = useCallback(async () => {
    try {
      const [users, projects, assignments] = await Promise.all([
        c.client.listUsers(),
        c.client.listProjects(),
        c.client.listAssignments(),
      ]);
      setDirectory({ users, projects, assignments });
    } catch (error) {
      report(error);
    }
  }, [c]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one change, says what happened, and reads the directory again. */
  const change = (what: string, run: () => Promise<unknown>) =>
    runChange({ setNotice, setProblem, report, reload: load }, what, run);

  function remove({ kind, id, name }: Doomed): void {
    setAsking(null);
    void change(`${kind === 'user' ? 'User' : 'Project'} ${name} deleted.`, () =>
      kind === 'user' ? c.client.deleteUser(id) : c.client.deleteProject(id),
    );
  }

  if (!directory) return <p aria-busy="true">{problem || 'Loading…'}</p>;
  const userNamed = (id: string) => directory.users.find((u) => u.id === id)?.name ?? id;
  const projectNamed = (id: string) => directory.projects.find((p) => p.id === id)?.name ?? id;

  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <Messages notice={notice} problem={problem} />
      <div class="admin-grid">
        <section aria-labelledby="users-title">
          <h2 id="users-title">Users</h2>
          <table class="compact">
            <ColumnHeads names={['Name', 'State', '']} />
            <tbody>
              {directory.users.map((u) => (
                <tr key={u.id} data-user={u.name}>
                  <td data-label="Name">
                    {u.name}
                    {u.is_system_admin && <span class="muted"> · system admin</span>}
                  </td>
                  <td data-label="State">{u.enabled ? 'enabled' : 'disabled'}</td>
                  <td class="row-actions">
                    {u.id !== c.session.user.id && (
                      <>
                        <button
                          type="button"
                          onClick={() =>
                            void change(`${u.name} ${u.enabled ? 'disabled' : 'enabled'}.`, () =>
                              c.client.updateUser(u.id, { enabled: !u.enabled }),
                            )
                          }
                        >
                          {u.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Delete user ${u.name}`}
                          onClick={() => setAsking({ kind: 'user', id: u.id, name: u.name })}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <InlineForm
            label="New user"
            onSubmit={async () => {
              if (
                await change(`User ${userName} created.`, () =>
                  c.client.createUser({ name: userName.trim(), password }),
                )
              ) {
                setUserName('');
                setPassword('');
              }
            }}
          >
            <label>
              New user name
              <input value={userName} onInput={(e) => setUserName(e.currentTarget.value)} autocomplete="off" />
            </label>
            <label>
              Password
              <input
                type="password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                autocomplete="new-password"
              />
            </label>
            <button type="submit">Create user</button>
          </InlineForm>
        </section>
        <section aria-labelledby="projects-title">
          <h2 id="projects-title">Projects</h2>
          <table class="compact">
            <ColumnHeads names={['Name', 'Description', '']} />
            <tbody>
              {directory.projects.map((p) => (
                <tr key={p.id} data-project={p.name}>
                  <td data-label="Name">{p.name}</td>
                  <td data-label="Description">{p.description || <span class="muted">—</span>}</td>
                  <td class="row-actions">
                    {/* Deleting the project this session is in would end the session. */}
                    {p.id !== c.session.projectId && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete project ${p.name}`}
                        onClick={() => setAsking({ kind: 'project', id: p.id, name: p.name })}
                      >
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <InlineForm
            label="New project"
            onSubmit={async () => {
              if (
                await change(`Project ${projectName} created.`, () =>
                  c.client.createProject({ name: projectName.trim(), description: projectDescription }),
                )
              ) {
                setProjectName('');
                setProjectDescription('');
              }
            }}
          >
            <label>
              New project name
              <input value={projectName} onInput={(e) => setProjectName(e.currentTarget.value)} autocomplete="off" />
            </label>
            <label>
              Description
              <input value={projectDescription} onInput={(e) => setProjectDescription(e.currentTarget.value)} />
            </label>
            <button type="submit">Create project</button>
          </InlineForm>
        </section>
      </div>
      <section aria-labelledby="roles-title">
        <h2 id="roles-title">Roles</h2>
        <table class="compact">
          <ColumnHeads names={['User', 'Project', 'Role', '']} />
          <tbody>
            {directory.assignments.map((a) => (
              <tr
                key={`${a.user.id}/${a.scope.project.id}/${a.role.id}`}
                data-assignment={`${userNamed(a.user.id)}/${projectNamed(a.scope.project.id)}/${a.role.name}`}
              >
                <td data-label="User">{userNamed(a.user.id)}</td>
                <td data-label="Project">{projectNamed(a.scope.project.id)}</td>
                <td data-label="Role">{a.role.name}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void change(
                        `${userNamed(a.user.id)} is no longer ${a.role.name} of ${projectNamed(a.scope.project.id)}.`,
                        () =>
                          c.client.unassignRole({
                            projectId: a.scope.project.id,
                            userId: a.user.id,
                            role: a.role.id as RoleName,
                          }),
                      )
                    }
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <InlineForm
          label="Give a role"
          onSubmit={() => {
            const userId = assignUser || directory.users[0]?.id || '';
            const projectId = assignProject || directory.projects[0]?.id || '';
            void change(`${userNamed(userId)} is ${assignRole} of ${projectNamed(projectId)}.`, () =>
              c.client.assignRole({ projectId, userId, role: assignRole }),
            );
          }}
        >
          <PickList
            label="User"
            value={assignUser}
            options={directory.users.map((u) => ({ value: u.id, text: u.name }))}
            onPick={setAssignUser}
          />
          <PickList
            label="Project"
            value={assignProject}
            options={directory.projects.map((p) => ({ value: p.id, text: p.name }))}
            onPick={setAssignProject}
          />
          <PickList
            label="Role"
            value={assignRole}
            options={[
              { value: 'member', text: 'member' },
              { value: 'admin', text: 'admin' },
            ]}
            onPick={(role) => setAssignRole(role as RoleName)}
          />
          <button type="submit">Give role</button>
        </InlineForm>
      </section>
      {asking && (
        <ConfirmDialog
          title={`Delete ${asking.kind} ${asking.name}?`}
          message={DELETE_WARNING[asking.kind]}
          confirmLabel="Delete"
          onConfirm={() => remove(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
