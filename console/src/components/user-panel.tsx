/**
 * Administration: what a system admin does to one user beyond enabling and deleting: give or take
 * the system-admin right (the API keeps the last enabled one; taking one's own asks first, and
 * leaves this page), reset the password, and see and stop the user's instances.
 */
import type { User } from '../../../src/client/index.js';
import { navigate, hrefOf } from '../router.js';
import type { ConsoleSession } from '../session.js';
import type { Question } from './give-role-form.js';
import { ResetPasswordForm } from './reset-password-form.js';
import { UserInstances } from './user-instances.js';

export interface UserChanges {
  /** Says what is wrong before anything is sent. */
  refuse(message: string): void;
  /** Runs a change, says `what` when it worked, and reads `reload` (default: the directory) again. */
  change(what: string, run: () => Promise<unknown>, reload?: () => Promise<void>): Promise<boolean>;
  ask(question: Question): void;
  report(error: unknown): void;
}

export function UserPanel({
  console: c,
  user,
  id,
  ...changes
}: { console: ConsoleSession; user: User; id: string } & UserChanges) {
  const { change, ask } = changes;
  const self = user.id === c.session.user.id;

  function setSystemAdmin(grant: boolean): void {
    // Taking one's own right: this session's token said it may administer, and may not any more,
    // so instead of reading the directory again (403 now) the page goes (the token stays valid in
    // its project).
    const leave = async () => {
      c.session.isSystemAdmin = false;
      navigate(hrefOf.list());
    };
    const run = () =>
      void change(
        grant ? `${user.name} is a system admin.` : `${user.name} is no longer a system admin.`,
        () => c.client.updateUser(user.id, { is_system_admin: grant }),
        self && !grant ? leave : undefined,
      );
    if (grant || !self) {
      run();
      return;
    }
    ask({
      title: 'Remove your own system-admin right?',
      message:
        'You will no longer manage users, projects and roles, and this page closes. Another system admin can give the right back; the last one cannot give it away.',
      confirmLabel: 'Remove my right',
      run,
    });
  }

  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>User {user.name}</h3>
      <p>
        {user.is_system_admin ? 'A system admin: manages users, projects and roles. ' : 'Not a system admin. '}
        <button type="button" onClick={() => setSystemAdmin(!user.is_system_admin)}>
          {user.is_system_admin ? 'Remove system admin' : 'Make system admin'}
        </button>
      </p>
      <h4>Password</h4>
      <ResetPasswordForm
        userName={user.name}
        reset={(password) =>
          change(`The password of ${user.name} was reset.`, () => c.client.updateUser(user.id, { password }))
        }
        refuse={changes.refuse}
      />
      <h4>Instances</h4>
      <UserInstances
        console={c}
        userId={user.id}
        userName={user.name}
        ask={ask}
        change={change}
        report={changes.report}
      />
    </section>
  );
}
