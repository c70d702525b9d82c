/**
 * Administration's "Give a role": user, project and role, where the user and the project start
 * unchosen and a submission without them says what is missing. A user holds one role per
 * project, so giving another one replaces it: that asks first (the API would just do it).
 */
import { useRef, useState } from 'preact/hooks';
import type { Project, RoleAssignment, RoleName, User } from '../../../src/client/index.js';
import { InlineForm } from './inline-form.js';
import { PickList } from './pick-list.js';

/** A question to confirm before a change: what the dialog says, and the change itself. */
export interface Question {
  title: string;
  message: string;
  confirmLabel: string;
  run(): void;
}

export function GiveRoleForm({
  users,
  projects,
  assignments,
  give,
  ask,
  setProblem,
}: {
  users: readonly User[];
  projects: readonly Project[];
  assignments: readonly RoleAssignment[];
  give(assignment: { userId: string; projectId: string; role: RoleName }): void;
  ask(question: Question): void;
  setProblem(message: string): void;
}) {
  const [userId, setUserId] = useState('');
  const [projectId, setProjectId] = useState('');
  const [role, setRole] = useState<RoleName>('member');
  const form = useRef<HTMLDivElement>(null);

  function submit(): void {
    const missing = [!userId && 'a user', !projectId && 'a project'].filter(Boolean);
    if (missing.length > 0) {
      setProblem(`Choose ${missing.join(' and ')} to give the role to.`);
      // Focus the first box still unchosen, where the user has to act.
      form.current?.querySelectorAll('select')[userId ? 1 : 0]?.focus();
      return;
    }
    setProblem('');
    const held = assignments.find((a) => a.user.id === userId && a.scope.project.id === projectId);
    if (!held || held.role.id === role) {
      give({ userId, projectId, role });
      return;
    }
    const user = users.find((u) => u.id === userId)?.name ?? userId;
    const project = projects.find((p) => p.id === projectId)?.name ?? projectId;
    ask({
      title: `Replace ${held.role.name} with ${role}?`,
      message: `The user ${user} has the role ${held.role.name} in ${project}. A user has one role per project, so ${role} would replace it.`,
      confirmLabel: 'Replace',
      run: () => give({ userId, projectId, role }),
    });
  }

  const choices = [
    { label: 'User', value: userId, pick: setUserId, options: users },
    { label: 'Project', value: projectId, pick: setProjectId, options: projects },
  ];
  return (
    <InlineForm label="Give a role" onSubmit={submit}>
      <div class="inline-form-fields" ref={form}>
        {choices.map(({ label, value, pick, options }) => (
          <PickList
            key={label}
            label={label}
            value={value}
            placeholder="Choose…"
            options={options.map((o) => ({ value: o.id, text: o.name }))}
            onPick={pick}
          />
        ))}
        <PickList
          label="Role"
          value={role}
          options={[
            { value: 'member', text: 'member' },
            { value: 'admin', text: 'admin' },
          ]}
          onPick={(picked) => setRole(picked as RoleName)}
        />
      </div>
      <button type="submit">Give role</button>
    </InlineForm>
  );
}
