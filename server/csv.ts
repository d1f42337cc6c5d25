/**
 * CSV as spreadsheets open it: every cell quoted, and a cell that Excel or Sheets would take for
 * a formula (=, +, -, @, a tab or a carriage return first) written as text with a leading '.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Rows joined with CRLF, as RFC 4180 has it, ending with one. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
