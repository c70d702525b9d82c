/**
 * Users, projects and role assignments, for system admins (the administration API answers 403
 * to anyone else, and the console shows this page only to them); each user's system-admin right,
 * password and instances in the user's panel (components/user-panel). Deleting, disabling a user,
 * removing one's own role and replacing a role ask first; the API says why it refuses (a project
 * with instances, the last system admin), and the page shows it.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Project, RoleAssignment, RoleName, User } from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { GiveRoleForm, type Question } from '../components/give-role-form.js';
import { InlineForm } from '../components/inline-form.js';
import { Messages } from '../components/messages.js';
import { NewPasswordField } from '../components/new-password-field.js';
import { UsersTable } from '../components/users-table.js';
import { runChange } from '../run-change.js';
import type { ConsoleSession } from '../session.js';

/** What a delete button names. */
interface Doomed {
  kind: 'user' | 'project';
  id: string;
  name: string;
}

const DELETE_WARNING: Record<Doomed['kind'], string> = {
  user: 'Their sessions and access keys stop working at once. Their instances stay in their projects.',
  project: 'Its role assignments go with it. A project that still holds instances cannot be deleted.',
};

/** The name of `id` in `list`, or the id itself when it is not there. */
function nameIn(list: readonly { id: string; name: string }[], id: string): string {
  return list.find((x) => x.id === id)?.name ?? id;
}

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
  const [asking, setAsking] = useState<Question | null>(null);
  const report = reporter(setProblem, onFailure);

  const load = useCallback(async () => {
    try {
      const [users, projects, assignments] = await Promise.all([
        c.client.listUsers(),
        c.client.listProjects(),
        c.client.listAssignments(),
      ]);
      // By user and project name: the API's order follows random ids, and a list that reorders itself is hard to scan.
      const user = (a: RoleAssignment) => nameIn(users, a.user.id);
      const project = (a: RoleAssignment) => nameIn(projects, a.scope.project.id);
      assignments.sort((a, b) => user(a).localeCompare(user(b)) || project(a).localeCompare(project(b)));
      setDirectory({ users, projects, assignments });
    } catch (error) {
      report(error);
    }
  }, [c]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one change, says what happened, and reads the directory (or what `reload` reads) again. */
  const change = (what: string, run: () => Promise<unknown>, reload = load) =>
    runChange({ setNotice, setProblem, report, reload }, what, run);

  /** A problem found before anything is sent: it replaces what the last change said. */
  function refuse(message: string): void {
    setNotice('');
    setProblem(message);
  }

  function askDelete({ kind, id, name }: Doomed): void {
    setAsking({
      title: `Delete ${kind} ${name}?`,
      message: DELETE_WARNING[kind],
      confirmLabel: 'Delete',
      run: () =>
        void change(`${kind === 'user' ? 'User' : 'Project'} ${name} deleted.`, () =>
          kind === 'user' ? c.client.deleteUser(id) : c.client.deleteProject(id),
        ),
    });
  }

  function setEnabled(u: User): void {
    const run = () =>
      void change(`${u.name} ${u.enabled ? 'disabled' : 'enabled'}.`, () =>
        c.client.updateUser(u.id, { enabled: !u.enabled }),
      );
    if (!u.enabled) {
      run();
      return;
    }
    setAsking({
      title: `Disable user ${u.name}?`,
      message: 'Their sessions and access keys stop working at once, and they cannot sign in until enabled again.',
      confirmLabel: 'Disable',
      run,
    });
  }

  if (!directory) return <p aria-busy="true">{problem || 'Loading…'}</p>;
  const userNamed = (id: string) => nameIn(directory.users, id);
  const projectNamed = (id: string) => nameIn(directory.projects, id);

  /** Removes a role; one's own asks first, saying what the session loses. */
  function removeRole(a: RoleAssignment): void {
    const project = projectNamed(a.scope.project.id);
    const run = () =>
      void change(`${userNamed(a.user.id)} is no longer ${a.role.name} of ${project}.`, () =>
        c.client.unassignRole({ projectId: a.scope.project.id, userId: a.user.id, role: a.role.id as RoleName }),
      );
    if (a.user.id !== c.session.user.id) {
      run();
      return;
    }
    const here = a.scope.project.id === c.session.projectId;
    setAsking({
      title: `Remove your own ${a.role.name} role in ${project}?`,
      message: here
        ? `This session is in ${project}: its notebook pages will answer "not authorized" and only Administration stays, until you give yourself a role there again. As a system admin you can still sign in, to any project.`
        : `You will no longer see or use the notebooks of ${project}. As a system admin you can give the role back here.`,
      confirmLabel: 'Remove my role',
      run,
    });
  }

  return (
    <section class="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <Messages notice={notice} problem={problem} />
      <div class="admin-grid">
        <section aria-labelledby="users-title">
          <h2 id="users-title">Users</h2>
          <UsersTable
            console={c}
            users={directory.users}
            setEnabled={setEnabled}
            askDelete={(u) => askDelete({ kind: 'user', id: u.id, name: u.name })}
            change={change}
            ask={setAsking}
            report={report}
            refuse={refuse}
          />
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
            <NewPasswordField label="Password" value={password} onValue={setPassword} />
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
                        onClick={() => askDelete({ kind: 'project', id: p.id, name: p.name })}
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
                  <button type="button" onClick={() => removeRole(a)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <GiveRoleForm
          users={directory.users}
          projects={directory.projects}
          assignments={directory.assignments}
          ask={setAsking}
          setProblem={refuse}
          give={({ userId, projectId, role }) =>
            void change(`${userNamed(userId)} is ${role} of ${projectNamed(projectId)}.`, () =>
              c.client.assignRole({ projectId, userId, role }),
            )
          }
        />
      </section>
      {asking && (
        <ConfirmDialog
          title={asking.title}
          message={asking.message}
          confirmLabel={asking.confirmLabel}
          onConfirm={() => {
            setAsking(null);
            asking.run();
          }}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
