/**
 * Administration: a user's new password, typed by the admin or generated here and shown once (it
 * is kept nowhere: the API stores only its hash). Either way the user's sessions end at once.
 */
import { useState } from 'preact/hooks';
import { InlineForm } from './inline-form.js';
import { NewPasswordField } from './new-password-field.js';

/** 16 characters of 96 random bits, in letters, digits, - and _: easy to read out and to copy. */
function generatedPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}

export function ResetPasswordForm({
  userName,
  reset,
  refuse,
}: {
  userName: string;
  /** Sets the password; true when the API took it. */
  reset(password: string): Promise<boolean>;
  /** Says why nothing was sent. */
  refuse(message: string): void;
}) {
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState('');

  async function set(next: string, shown: boolean): Promise<void> {
    setGenerated('');
    if (!next) {
      refuse('Type the new password, or generate one.');
      return;
    }
    if (!(await reset(next))) return;
    setPassword('');
    if (shown) setGenerated(next);
  }

  return (
    <>
      <InlineForm label={`Reset the password of ${userName}`} onSubmit={() => void set(password, false)}>
        <NewPasswordField label="New password" value={password} onValue={setPassword} />
        <button type="submit">Set password</button>
        <button type="button" onClick={() => void set(generatedPassword(), true)}>
          Generate a password
        </button>
      </InlineForm>
      <p class="muted">Their sessions end at once; the old password and its tokens stop working.</p>
      {generated && (
        <p class="notice generated-password" role="status">
          The new password of {userName} is <code>{generated}</code> — shown only this once: give it to them now.
        </p>
      )}
    </>
  );
}
