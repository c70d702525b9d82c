/**
 * @module proxy/denied-page
 * The small page a browser gets when the proxy refuses it: a reason, a link back to the instance
 * in the console when there is one (an old tab after a stop or restart gets there in one click),
 * and no detail about the instance or the workload. Both are escaped: the link is built from the
 * request's path (proxy/console-link).
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escaped(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function deniedPage(reason: string, consoleLink?: string): string {
  const back = consoleLink ? `<p><a href="${escaped(consoleLink)}">Open this instance in the console</a></p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notebook not available</title></head><body><h1>Notebook not available</h1><p>${escaped(reason)}</p>${back}</body></html>`;
}
