/**
 * @module console/open-notebook
 * Opens an instance's notebook in a new tab that cannot reach back into the console (`opener`),
 * with a token of the user's own (`…/token`), from the list or the instance's page.
 */
import type { Instance } from '../../src/client/index.js';
import type { ConsoleSession } from './session.js';

export async function openNotebook(c: ConsoleSession, instance: Instance): Promise<void> {
  // Opened before the await, while the click still counts as the user's, or it is blocked.
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  try {
    const { token } = await c.client.token(instance.id);
    const url = `${instance.spec.annotations.url}?token=${encodeURIComponent(token)}`;
    if (tab) tab.location.href = url;
    else window.open(url, '_blank', 'noopener');
  } catch (error) {
    tab?.close();
    throw error;
  }
}
