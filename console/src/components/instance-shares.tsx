/**
 * "Shared with" on an instance's page, for its owner and the project's admins: who else may open
 * the notebook, a Remove button for each (their access ends at once) and a form to add a member
 * of the project by user name.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Instance, InstanceShare } from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { formatTime } from '../format.js';
import { runChange } from '../run-change.js';
import type { ConsoleSession } from '../session.js';
import { ColumnHeads } from './column-heads.js';
import { InlineForm } from './inline-form.js';
import { Messages } from './messages.js';

export function InstanceShares({
  console: c,
  instance,
  onFailure,
}: {
  console: ConsoleSession;
  instance: Instance;
  onFailure(error: unknown): void;
}) {
  const [shares, setShares] = useState<InstanceShare[] | null>(null);
  const [userName, setUserName] = useState('');
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const report = reporter(setProblem, onFailure);

  const load = useCallback(async () => {
    try {
      setShares((await c.client.shares(instance.id)).shares);
    } catch (error) {
      report(error);
    }
  }, [c, instance.id]);

  useEffect(() => void load(), [load]);

  const change = (what: string, run: () => Promise<unknown>) =>
    runChange({ setNotice, setProblem, report, reload: load }, what, run);

  return (
    <section aria-labelledby="shares-title">
      <h2 id="shares-title">Shared with</h2>
      <p class="muted">
        They open the notebook with a token of their own and act in it as its owner: with the owner's files and rights.
      </p>
      <Messages notice={notice} problem={problem} />
      {shares !== null && shares.length === 0 && <p>Nobody else.</p>}
      {shares !== null && shares.length > 0 && (
        <table class="compact">
          <ColumnHeads names={['User', 'Shared by', 'Since', '']} />
          <tbody>
            {shares.map((s) => (
              <tr key={s.user_id} data-share={s.user_name}>
                <td data-label="User">{s.user_name}</td>
                <td data-label="Shared by">{s.granted_by_name ?? s.granted_by}</td>
                <td data-label="Since">{formatTime(s.granted_at)}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Stop sharing with ${s.user_name}`}
                    onClick={() =>
                      void change(`No longer shared with ${s.user_name}.`, () =>
                        c.client.unshare(instance.id, s.user_id),
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
      )}
      <InlineForm
        label="Share with"
        onSubmit={async () => {
          const name = userName.trim();
          if (await change(`Shared with ${name}.`, () => c.client.share(instance.id, { user_name: name })))
            setUserName('');
        }}
      >
        <label>
          User name
          <input value={userName} onInput={(e) => setUserName(e.currentTarget.value)} autocomplete="off" />
        </label>
        <button type="submit">Add</button>
      </InlineForm>
    </section>
  );
}
