/** One CSV line as eSIM Go writes it: every field double-quoted, quotes doubled. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(",");
}
