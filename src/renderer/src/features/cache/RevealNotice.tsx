/** Shown when "Show in folder" could not open a file manager: the path, to copy and open by hand. */
import { useState } from 'react'

export interface RevealProblem {
  reason: string
  /** Absolute path of the cached file or folder; absent when the path itself was refused. */
  path?: string
}

export function RevealNotice({ problem, onClose }: { problem: RevealProblem; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null)
  const copy = async (path: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(path)
      setCopied('copied')
    } catch {
      setCopied('the clipboard is not available here: select the path')
    }
  }
  return (
    <div className="reveal-notice" role="status">
      <span>
        {problem.path ? 'No file manager opened' : 'Cannot show it'} ({problem.reason})
        {problem.path ? '. The path:' : ''}
      </span>
      {problem.path && (
        <>
          <code className="reveal-path mono">{problem.path}</code>
          <button onClick={() => void copy(problem.path!)}>Copy</button>
          {copied && <span className="muted">{copied}</span>}
        </>
      )}
      <button className="reveal-close" onClick={onClose} aria-label="Dismiss" title="Dismiss">
        ×
      </button>
    </div>
  )
}
