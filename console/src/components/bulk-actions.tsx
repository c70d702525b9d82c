/**
 * What can be done to the instances selected in the list: stop them or delete them together
 * (each asked once, in one question naming them all), or clear the selection. Shown while any is
 * selected.
 */
import type { Instance } from '../../../src/client/index.js';
import type { ConsoleAction } from '../statuses.js';

export const BULK_ACTIONS = ['stop', 'delete'] as const satisfies readonly ConsoleAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

const LABEL: Record<BulkAction, string> = { stop: 'Stop selected', delete: 'Delete selected' };

interface Props {
  selected: readonly Instance[];
  onAsk(action: BulkAction, button: HTMLElement): void;
  onClear(): void;
}

export function BulkActions({ selected, onAsk, onClear }: Props) {
  if (selected.length === 0) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset would draw its own border round the buttons
    <div class="bulk buttons" role="group" aria-label="Selected instances">
      <span class="bulk-count">{selected.length} selected</span>
      {BULK_ACTIONS.map((action) => (
        <button
          type="button"
          class={action === 'delete' ? 'danger' : undefined}
          onClick={(e) => onAsk(action, e.currentTarget)}
        >
          {LABEL[action]}
        </button>
      ))}
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
