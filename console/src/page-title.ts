/**
 * @module console/page-title
 * The browser tab's title names the page (`Instances — demanager`), so tabs, history and screen
 * readers tell the console's pages apart.
 */
import { useLayoutEffect } from 'preact/hooks';

export const PRODUCT = 'demanager';

export function usePageTitle(page: string): void {
  // In the commit that shows the page, not a frame later: a page whose heading is there already
  // but whose tab still names the last one would tell a screen reader (and a test) two things.
  useLayoutEffect(() => {
    document.title = `${page} — ${PRODUCT}`;
  }, [page]);
}
