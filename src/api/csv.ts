/**
 * @module api/csv
 * CSV as spreadsheets read it (RFC 4180): a cell holding a comma, quote or line break is quoted,
 * its quotes doubled. Text that starts like a formula (`=`, `+`, `-`, `@`, or a tab or carriage
 * return before one) gets a leading `'`, so a name a user chose cannot run as a formula in the
 * spreadsheet of whoever opens the export. Numbers are written as they are.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines of cells, each line ended by CRLF. */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

/**
 * Whether the caller asked for CSV: `format=csv`, or no `format` and an Accept header that ranks
 * text/csv above JSON (the first of the two it names, `q` weights honoured).
 */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  const ranked = (accept ?? '')
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), order };
    })
    .filter(({ type, q }) => q > 0 && (type === 'text/csv' || type === 'application/json'))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.type === 'text/csv';
}
