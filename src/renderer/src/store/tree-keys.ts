/**
 * Keyboard use of the cache tree (WAI-ARIA tree pattern): one row at a time takes Tab (a
 * roving tabindex), the arrows move between rows, and a folder opens and closes with Enter,
 * Space and the right and left arrows. Pure, so the moves are tested without a browser.
 */
import type { TreeRow } from './cache-tree'

/** Rows the keyboard stops on: folders, `.stat` files and cached files, not the notes below a folder. */
export function isFocusable(row: TreeRow): boolean {
  return row.kind === 'dir' || row.kind === 'stat' || row.kind === 'file'
}

/** The row that takes Tab: the one focused last while it is still shown, else the first. */
export function activeKey(rows: readonly TreeRow[], focused: string | null): string | null {
  if (focused !== null && rows.some((r) => r.key === focused && isFocusable(r))) return focused
  return rows.find(isFocusable)?.key ?? null
}

/** What a key pressed on a row does: move the focus to another row, open or close a folder, or nothing. */
export type TreeKeyEffect = { focus: string } | { toggle: string } | null

export function treeKey(rows: readonly TreeRow[], at: string, key: string): TreeKeyEffect {
  const i = rows.findIndex((r) => r.key === at)
  if (i < 0) return null
  const row = rows[i]
  const step = (from: number, by: 1 | -1): TreeKeyEffect => {
    for (let j = from + by; j >= 0 && j < rows.length; j += by) if (isFocusable(rows[j])) return { focus: rows[j].key }
    return null
  }
  switch (key) {
    case 'ArrowDown':
      return step(i, 1)
    case 'ArrowUp':
      return step(i, -1)
    case 'Home':
      return step(-1, 1)
    case 'End':
      return step(rows.length, -1)
    case 'Enter':
    case ' ':
      return row.kind === 'dir' ? { toggle: row.relPath } : null
    case 'ArrowRight':
      if (row.kind !== 'dir') return null
      if (!row.open) return { toggle: row.relPath }
      // An open folder: its first row, when it has one the keyboard stops on.
      return rows[i + 1]?.depth === row.depth + 1 && isFocusable(rows[i + 1]) ? { focus: rows[i + 1].key } : null
    case 'ArrowLeft':
      if (row.kind === 'dir' && row.open) return { toggle: row.relPath }
      return parentRow(rows, i)
    default:
      return null
  }
}

/** The folder row a row is listed under: the nearest row above it one level up. */
function parentRow(rows: readonly TreeRow[], i: number): TreeKeyEffect {
  const depth = rows[i].depth
  for (let j = i - 1; j >= 0; j--)
    if (rows[j].depth === depth - 1 && rows[j].kind === 'dir') return { focus: rows[j].key }
  return null
}
