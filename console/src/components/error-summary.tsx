/**
 * @module console/components/error-summary
 * A form's problems said where the user is when they submit (next to its button): how many, and
 * each one with a button that takes the focus to its field. It is an alert, so a screen reader
 * says it as it appears; the form moves the focus to the first field itself.
 */

export interface SummaryItem {
  /** The control the problem is about; null for one about the whole form. */
  controlId: string | null;
  label: string;
  message: string;
}

function focusControl(id: string): void {
  const control = document.getElementById(id);
  control?.focus();
  control?.scrollIntoView({ block: 'center' });
}

export function ErrorSummary({ id, items }: { id: string; items: readonly SummaryItem[] }) {
  if (items.length === 0) return null;
  const count = items.length === 1 ? 'a problem' : `${items.length} problems`;
  return (
    <div class="error error-summary" id={id} role="alert" tabIndex={-1}>
      <p>Not created: the form has {count}.</p>
      <ul>
        {items.map((item) => (
          <li key={`${item.controlId}:${item.message}`}>
            {item.controlId ? (
              <button type="button" class="link" onClick={() => focusControl(item.controlId as string)}>
                {item.label}
              </button>
            ) : (
              item.label
            )}
            {item.label ? ': ' : ''}
            {item.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Focuses the first control of `items` (or the summary `summaryId` when none has one) and brings it into view. */
export function focusFirstProblem(summaryId: string, items: readonly SummaryItem[]): void {
  const first = items.find((item) => item.controlId && document.getElementById(item.controlId));
  if (first?.controlId) focusControl(first.controlId);
  else focusControl(summaryId);
}
