/**
 * @module console/run-change
 * One change made from a page that lists things (users, shares): the messages cleared, what
 * happened said, the list read again; a failure shown instead, and the caller told it failed (a
 * form keeps what was typed).
 */
export interface ChangeFeedback {
  setNotice(message: string): void;
  setProblem(message: string): void;
  report(error: unknown): void;
  reload(): Promise<void>;
}

export async function runChange(feedback: ChangeFeedback, what: string, run: () => Promise<unknown>): Promise<boolean> {
  feedback.setProblem('');
  feedback.setNotice('');
  try {
    await run();
    feedback.setNotice(what);
    await feedback.reload();
    return true;
  } catch (error) {
    feedback.report(error);
    return false;
  }
}
