/**
 * @module console/shared-with-me
 * The ids of the instances shared with the signed-in user (`GET …/shared-with-me`), read when a
 * page opens: what console/permissions needs to offer Open on others' notebooks. A project admin
 * may open every notebook anyway, so nothing is read for one.
 */
import { useEffect, useState } from 'preact/hooks';
import { isProjectAdmin, type ConsoleSession } from './session.js';

const NONE: ReadonlySet<string> = new Set();

export function useSharedWithMe(c: ConsoleSession): ReadonlySet<string> {
  const [ids, setIds] = useState(NONE);
  useEffect(() => {
    if (isProjectAdmin(c.session)) return;
    // Without the answer only the user's own notebooks offer Open, which is never wrong.
    c.client.sharedWithMe().then(
      (answer) => setIds(new Set(answer.instance_ids)),
      () => undefined,
    );
  }, [c]);
  return ids;
}
