/**
 * @module console/page-title
 * The browser tab's title names the page (`Instances — demanager`), so tabs, history and screen
 * readers tell the console's pages apart.
 */
import { useEffect } from 'preact/hooks';

export const PRODUCT = 'demanager';

export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} — ${PRODUCT}`;
  }, [page]);
}
