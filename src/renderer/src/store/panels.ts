/** State of the config, renders and connection panels: plain holders filled by session.ts. */
import { createStore } from 'zustand/vanilla'
import type { ConfigStatus, RenderHealth } from '../../../shared/api'
import type { ConnectionState } from '../api/client'

export interface ConfigState {
  status: ConfigStatus | null
  /** Why the last action (reload, open) failed to reach the engine at all. */
  error: string | null
  busy: boolean
  /** How many statuses the engine's events have brought (see askStatus). */
  heard: number
}

export const configStore = createStore<ConfigState>(() => ({ status: null, error: null, busy: false, heard: 0 }))

/** A status from the engine's event stream, which brings every change (reload, open, refusal) in order. */
export function statusHeard(status: ConfigStatus): void {
  configStore.setState((s) => ({ status, heard: s.heard + 1 }))
}

/**
 * To call when asking the engine for a status (a reload, an open, the catch-up after a
 * connection): the function it returns shows the answer unless an event brought a status while
 * it was on its way. That one can be newer (the file watcher reloaded meanwhile), and what the
 * answer shows came, or is coming, with an event of its own.
 */
export function askingStatus(): (answer: ConfigStatus) => void {
  const heard = configStore.getState().heard
  return (answer) => {
    if (configStore.getState().heard === heard) configStore.setState({ status: answer })
  }
}

/** Asks for a status and shows the answer as askingStatus says. */
export async function askStatus(ask: () => Promise<ConfigStatus>): Promise<ConfigStatus> {
  const show = askingStatus()
  const status = await ask()
  show(status)
  return status
}

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
