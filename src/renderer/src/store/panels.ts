/** State of the config, renders and connection panels: plain holders filled by session.ts. */
import { createStore } from 'zustand/vanilla'
import type { ConfigStatus, RenderHealth } from '../../../shared/api'
import type { ConnectionState } from '../api/client'

export interface ConfigState {
  status: ConfigStatus | null
  /** Why the last action (reload, open) failed to reach the engine at all. */
  error: string | null
  busy: boolean
}

export const configStore = createStore<ConfigState>(() => ({ status: null, error: null, busy: false }))

export interface RendersState {
  renders: RenderHealth[]
  updatedAt: number
}

export const rendersStore = createStore<RendersState>(() => ({ renders: [], updatedAt: 0 }))

export type Tab = 'requests' | 'cache' | 'renders' | 'config'

export interface UiState {
  tab: Tab
  connection: ConnectionState
}

export const uiStore = createStore<UiState>(() => ({ tab: 'requests', connection: 'connecting' }))

/** Relative to the configuration folder when inside it, for display. */
export function displayPath(file: string, baseDir: string | undefined): string {
  if (!baseDir) return file
  const base = baseDir.endsWith('/') || baseDir.endsWith('\\') ? baseDir : baseDir + '/'
  return file.startsWith(base) ? file.slice(base.length) : file
}
