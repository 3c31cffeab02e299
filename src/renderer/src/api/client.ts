/**
 * What the UI talks to: the EngineApi, plus the few things only a desktop shell can do.
 * Two implementations: ipc-client.ts (Electron, through the preload bridge) and ws-client.ts
 * (a browser, through the headless server).
 */
import type { EngineApi, RevealResult } from '../../../shared/api'
import type { SourcePos } from '../../../shared/diagnostics'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface EngineClient extends EngineApi {
  readonly kind: 'electron' | 'browser'
  /** Connection to the engine; the Electron bridge is always open. */
  onConnection(listener: (state: ConnectionState) => void): () => void
  /** Native folder picker; `undefined` where there is none (the browser types a path instead). */
  pickConfigFolder?: () => Promise<string | null>
  /** Opens a configuration file at a line in the user's editor (Electron); the browser follows a vscode:// link. */
  openInEditor?: (pos: SourcePos) => Promise<void>
  /** Opens the OS file manager on a cached file or folder; when it cannot, `opened` is false and `path` is for the user. */
  revealInFileManager(farm: string, relPath: string): Promise<RevealResult>
}

/** A link VS Code opens at the line (browsers hand vscode:// to the installed editor). */
export function editorHref(pos: SourcePos): string {
  const file = pos.file.replace(/\\/g, '/')
  return `vscode://file${file.startsWith('/') ? '' : '/'}${encodeURI(file)}:${pos.line}:${pos.column}`
}
