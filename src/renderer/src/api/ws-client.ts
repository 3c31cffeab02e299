/**
 * EngineClient over the headless server (src/main/headless/): JSON over HTTP for calls, a
 * WebSocket for events. The token comes from the page's URL (`?token=…`), as printed by
 * `serve`; it is sent as a bearer token, and in the socket's query (browsers cannot set
 * headers on a WebSocket). The socket reconnects on its own; `onConnection` reports it.
 */
import type { EngineUiEvent } from '../../../shared/api'
import type { ConnectionState, EngineClient } from './client'

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string
  ) {
    super(message)
  }
}

export function createWsClient(location: { origin: string; search: string; host: string }): EngineClient {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const listeners = new Set<(event: EngineUiEvent) => void>()
  const stateListeners = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = 'connecting'
  let socket: WebSocket | null = null
  let retry = 0

  const setState = (s: ConnectionState): void => {
    state = s
    for (const l of stateListeners) l(s)
  }

  const connect = (): void => {
    setState('connecting')
    const ws = new WebSocket(`ws://${location.host}/api/events?token=${encodeURIComponent(token)}`)
    socket = ws
    ws.onopen = () => {
      retry = 0
      setState('open')
    }
    ws.onmessage = (m) => {
      const event = JSON.parse(String(m.data)) as EngineUiEvent
      for (const l of listeners) l(event)
    }
    ws.onclose = () => {
      socket = null
      setState('closed')
      if (listeners.size === 0) return
      retry = Math.min(retry + 1, 6)
      setTimeout(connect, 250 * 2 ** retry)
    }
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${location.origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {})
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store'
    })
    const value = (await res.json().catch(() => null)) as unknown
    if (!res.ok) {
      const err = value as { error?: string; code?: string } | null
      throw new ApiError(err?.error ?? `HTTP ${res.status}`, res.status, err?.code ?? 'HTTP_ERROR')
    }
    return value as T
  }

  const q = (params: Record<string, string | number | undefined>): string => {
    const s = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v))
    const text = s.toString()
    return text ? `?${text}` : ''
  }

  return {
    kind: 'browser',
    listTraces: (opts = {}) => call('GET', `/api/traces${q({ afterSeq: opts.afterSeq, limit: opts.limit })}`),
    getTrace: (id) => call('GET', `/api/traces/${encodeURIComponent(id)}`),
    clearTraces: () => call<unknown>('POST', '/api/traces/clear', {}).then(() => undefined),
    replay: (id) => call('POST', `/api/traces/${encodeURIComponent(id)}/replay`, {}),
    getConfigStatus: () => call('GET', '/api/config'),
    reloadConfig: () => call('POST', '/api/config/reload', {}),
    openConfig: (path) => call('POST', '/api/config/open', { path }),
    setRuntime: (settings) => call('POST', '/api/config/runtime', settings),
    listCacheFolder: (farm, relPath) => call('GET', `/api/cache/folder${q({ farm, path: relPath })}`),
    cacheTotals: (farm) => call('GET', `/api/cache/totals${q({ farm })}`),
    previewFlush: (farm, handle, action, resourceOnly) =>
      call('POST', '/api/cache/flush-preview', { farm, handle, action, resourceOnly }),
    flush: (farm, handle, action, resourceOnly) =>
      call('POST', '/api/cache/flush', { farm, handle, action, resourceOnly }),
    clearCacheFolder: (farm, relPath) => call('POST', '/api/cache/clear', { farm, path: relPath }),
    cachePath: (farm, relPath) => call('GET', `/api/cache/path${q({ farm, path: relPath })}`),
    // The server runs on this machine (loopback only), so the file manager it opens is the user's.
    revealInFileManager: (farm, relPath) => call('POST', '/api/cache/reveal', { farm, path: relPath }),
    getRenders: () => call('GET', '/api/renders'),
    subscribe(listener) {
      listeners.add(listener)
      if (!socket) connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) socket?.close()
      }
    },
    onConnection(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    }
  }
}
