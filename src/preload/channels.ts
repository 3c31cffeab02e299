/**
 * The IPC contract between the Electron main process (src/main/ipc.ts) and the preload bridge:
 * a fixed list of channels, one per EngineApi call, plus the native extras. Results travel
 * wrapped so the renderer sees the engine's own error message, not Electron's
 * "Error invoking remote method" text.
 */
import type { EngineApi } from '../shared/api'

export const CALLS = [
  'listTraces',
  'getTrace',
  'clearTraces',
  'replay',
  'getConfigStatus',
  'reloadConfig',
  'openConfig',
  'setRuntime',
  'listCacheFolder',
  'cacheTotals',
  'previewFlush',
  'flush',
  'clearCacheFolder',
  'cachePath',
  'getRenders'
] as const satisfies readonly (keyof EngineApi)[]

export type CallName = (typeof CALLS)[number]

export const callChannel = (name: CallName): string => `engine:${name}`

export const EVENT_CHANNEL = 'engine:event'
export const PICK_FOLDER_CHANNEL = 'shell:pickConfigFolder'
export const OPEN_IN_EDITOR_CHANNEL = 'shell:openInEditor'
export const REVEAL_CHANNEL = 'shell:revealInFileManager'

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: string; code: string }
