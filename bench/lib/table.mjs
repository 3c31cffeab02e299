/** Left-aligned first column, right-aligned others, every column as wide as its widest cell. */
export function formatTable(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)))
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)))
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n')
}

/** A number with `digits` decimals, or `n/a` when it is not finite. */
export function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
}
