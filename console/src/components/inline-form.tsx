import type { ComponentChildren } from 'preact';

/** A one-line form, named for assistive technology, submitted by script only. */
export function InlineForm({
  label,
  onSubmit,
  children,
}: {
  label: string;
  onSubmit(): void;
  children: ComponentChildren;
}) {
  return (
    <form
      class="inline-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
