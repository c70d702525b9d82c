import type { ComponentChildren } from 'preact';

/**
 * A labelled control with the message about it, tied to it for screen readers. `detail` is the
 * API's own message and code under the message in words; `alert` announces the message as it
 * appears (off where the form announces all its problems at once, at its button).
 */
export function Field({
  id,
  label,
  error,
  detail,
  alert = true,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  detail?: string | undefined;
  alert?: boolean;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} role={alert ? 'alert' : undefined}>
          {error}
        </p>
      )}
      {error && detail && (
        <p class="hint field-error-detail" id={`${id}-detail`}>
          The service said: {detail}
        </p>
      )}
    </div>
  );
}

/** The aria attributes of a control inside a {@link Field}. */
export function describedBy(id: string, error: string | undefined, hint = false) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': ids || undefined };
}
