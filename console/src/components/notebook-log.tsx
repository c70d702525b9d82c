/**
 * The notebook log on an instance's page: the last lines its server wrote (tokens masked by the
 * API), followed live while the notebook runs or starts by asking for the tail every few seconds
 * and appending what is new (client/log-follow lines two tails up). A Pause toggle holds the view
 * still for reading. The lines are a `<pre role="log">` (announced politely, scrollable and
 * focusable for the keyboard, wrapped so a long line never scrolls the page sideways).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { DemanagerApiError } from '../../../src/client/index.js';
import { linesAfter } from '../../../src/client/log-follow.js';
import { messageOf } from '../api-errors.js';
import { isTransitional } from '../statuses.js';
import type { InstanceSectionProps } from './instance-section.js';
import { Messages } from './messages.js';

/** Lines asked for each time: enough that two tails a few seconds apart meet. */
const TAIL = 200;
/** Lines kept on the page; older ones scroll out. */
const KEEP = 1000;
const POLL_MS = 3000;

type Shown =
  | { kind: 'loading' }
  | { kind: 'lines'; lines: string[]; earlier: boolean }
  | { kind: 'none' }
  | { kind: 'refused' };

export function NotebookLog({ console: c, instance, onFailure }: InstanceSectionProps) {
  const [shown, setShown] = useState<Shown>({ kind: 'loading' });
  const [paused, setPaused] = useState(false);
  const [problem, setProblem] = useState('');
  const lastTail = useRef<string[]>([]);
  const box = useRef<HTMLPreElement>(null);
  const live = instance.status === 'RUNNING' || isTransitional(instance.status);

  const refresh = useCallback(async () => {
    try {
      const log = await c.client.logs(instance.id, { tail: TAIL });
      setProblem('');
      if (!log.available) {
        lastTail.current = [];
        return setShown({ kind: 'none' });
      }
      const added = linesAfter(lastTail.current, log.lines);
      lastTail.current = log.lines;
      setShown((current) => {
        const before = current.kind === 'lines' ? current.lines : [];
        const lines = [...before, ...added];
        return {
          kind: 'lines',
          lines: lines.slice(-KEEP),
          earlier: (current.kind === 'lines' ? current.earlier : log.truncated) || lines.length > KEEP,
        };
      });
    } catch (error) {
      if (error instanceof DemanagerApiError && error.errorCode === 'ModelArts.0108')
        return setShown({ kind: 'refused' });
      setProblem(messageOf(error));
      onFailure(error);
    }
  }, [c, instance.id]);

  // Once at first, and again whenever the status changes (a start's first lines, a stop's last).
  useEffect(() => void refresh(), [refresh, instance.status]);

  useEffect(() => {
    if (paused || !live) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [paused, live, refresh]);

  // While following, the newest line stays in view, also when the page's width rewraps the lines.
  useLayoutEffect(() => {
    const log = box.current;
    if (paused || !log) return;
    const stick = () => {
      log.scrollTop = log.scrollHeight;
    };
    stick();
    window.addEventListener('resize', stick);
    return () => window.removeEventListener('resize', stick);
  }, [shown, paused]);

  function togglePause() {
    if (paused) void refresh();
    setPaused(!paused);
  }

  return (
    <section aria-labelledby="log-title" class="notebook-log">
      <div class="section-head">
        <h2 id="log-title">Notebook log</h2>
        {shown.kind === 'lines' && live && (
          <button type="button" aria-pressed={paused} onClick={togglePause}>
            Pause
          </button>
        )}
      </div>
      <Messages problem={problem} />
      {shown.kind === 'loading' && <p aria-busy="true">Loading the log…</p>}
      {shown.kind === 'none' && (
        <p class="muted">No log yet: the notebook has not started, or its runtime keeps none.</p>
      )}
      {shown.kind === 'refused' && (
        <p class="muted">Only the owner, the project's admins and users it is shared with can read this log.</p>
      )}
      {shown.kind === 'lines' && (
        <>
          <p class="muted">
            {live
              ? paused
                ? 'Paused: new lines wait until you resume.'
                : 'Following live.'
              : 'The notebook is not running.'}
            {shown.earlier ? ' Earlier lines are not shown.' : ''}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take the focus for the keyboard to scroll it */}
          <pre ref={box} role="log" aria-live="polite" aria-labelledby="log-title" tabIndex={0}>
            {shown.lines.length ? shown.lines.join('\n') : '(empty)'}
          </pre>
        </>
      )}
    </section>
  );
}
