/**
 * Sign-in with the IAM password flow: into an HttpOnly cookie where every notebook has a host of
 * its own, else into memory only, which the page says (console/session tells why).
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api-errors.js';
import { signIn, type ConsoleSession, type SignInMode } from '../session.js';

export function SignInPage({
  mode,
  onSignedIn,
  reason,
}: {
  mode: SignInMode;
  onSignedIn(session: ConsoleSession): void;
  reason: string;
}) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [project, setProject] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const userField = useRef<HTMLInputElement>(null);
  // Focused as the form is drawn, not at the browser's next autofocus pass: the page appears only once
  // the server has said how to sign in, and keys typed in between would be lost.
  useLayoutEffect(() => userField.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem('');
    try {
      onSignedIn(await signIn(mode, user.trim(), password, project));
    } catch (error) {
      setProblem(messageOf(error));
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to demanager</h1>
        {reason && (
          <p class="notice" role="status">
            {reason}
          </p>
        )}
        <div class="field">
          <label for="user">User name</label>
          <input
            id="user"
            ref={userField}
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
            autocomplete="username"
            required
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autocomplete="current-password"
            required
          />
        </div>
        <div class="field">
          <label for="project">Project (optional)</label>
          <input
            id="project"
            value={project}
            onInput={(e) => setProject(e.currentTarget.value)}
            aria-describedby="project-hint"
          />
          <p class="hint" id="project-hint">
            Your first project when left empty.
          </p>
        </div>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {mode === 'memory' && (
          <p class="hint" id="sign-in-memory">
            You stay signed in until you reload or close this page: notebooks share this address, so the console keeps
            no sign-in where a notebook's script could use it.
          </p>
        )}
      </form>
    </main>
  );
}
