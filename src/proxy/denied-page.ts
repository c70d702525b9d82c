/**
 * @module proxy/denied-page
 * The small page a browser gets when the proxy refuses it: a reason, and no detail about the
 * instance or the workload.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function deniedPage(reason: string): string {
  const text = reason.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notebook not available</title></head><body><h1>Notebook not available</h1><p>${text}</p></body></html>`;
}
