/**
 * A configuration `file:line` that opens in the editor: through the Electron bridge, or as a
 * vscode:// link in a browser (the headless UI runs on the same machine as the files).
 */
import { Fragment, type ReactNode } from 'react'
import type { SourcePos } from '../../../shared/diagnostics'
import { editorHref } from '../api/client'
import { configStore, displayPath } from '../store/panels'
import { useSession, useVanilla } from '../session-context'

/**
 * `short` shows the file name only (tables of rules, where the folder repeats on every row);
 * `column` adds the column, as `check` prints a diagnostic (`file:line:col`).
 */
export function SourceLink({
  pos,
  label,
  short,
  column
}: {
  pos: SourcePos
  label?: string
  short?: boolean
  column?: boolean
}) {
  const { client } = useSession()
  const baseDir = useVanilla(configStore, (s) => s.status?.baseDir)
  const shown = short
    ? pos.file.slice(Math.max(pos.file.lastIndexOf('/'), pos.file.lastIndexOf('\\')) + 1)
    : displayPath(pos.file, baseDir)
  const text = label ?? (column ? `${shown}:${pos.line}:${pos.column}` : `${shown}:${pos.line}`)
  return (
    <a
      className="source-link"
      href={editorHref(pos)}
      title={`Open ${pos.file}:${pos.line}:${pos.column} in the editor`}
      onClick={(e) => {
        e.stopPropagation()
        if (client.openInEditor) {
          e.preventDefault()
          void client.openInEditor(pos)
        }
      }}
    >
      {breakAfterSeparators(text)}
    </a>
  )
}

/**
 * The text with a line-break opportunity (<wbr>, which copies as nothing) after each '/' and
 * '\\': a narrow column then wraps a path between folders, never inside a name. Also used for
 * the paths of the trace's tables (RewriteRules' tested URL).
 */
export function breakAfterSeparators(text: string): ReactNode[] {
  return text.split(/(?<=[/\\])/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ))
}
