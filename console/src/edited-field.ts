/**
 * @module console/edited-field
 * A form field over a value the server may change while it is being edited (the change stream
 * keeps the page live): the field follows the server while the user has not touched it, keeps what
 * the user typed once they have, and says what the server's value became under their edit, so a
 * save never overwrites someone else's change unseen and a live update never wipes a typed one.
 */
import { useEffect, useState } from 'preact/hooks';

export interface EditedField<T> {
  value: T;
  set(value: T): void;
  /** The server's value when it changed under an edit (and differs from the edit); null otherwise. */
  changedTo: T | null;
  /** Drops the edit for the server's current value. */
  takeServer(): void;
}

export function useEditedField<T>(server: T): EditedField<T> {
  // `base` is the server's value the edit started from.
  const [base, setBase] = useState(server);
  const [value, set] = useState(server);
  const [changedTo, setChangedTo] = useState<T | null>(null);

  useEffect(() => {
    if (server === base) return;
    if (value === base || value === server) {
      set(server);
      setBase(server);
      setChangedTo(null);
    } else {
      setChangedTo(server);
    }
  }, [server]);

  return {
    value,
    set,
    changedTo,
    takeServer() {
      set(server);
      setBase(server);
      setChangedTo(null);
    },
  };
}
