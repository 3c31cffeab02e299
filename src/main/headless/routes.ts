/**
 * The JSON endpoints: one per EngineApi method, plus "show in folder" (reveal.ts), GET for
 * reads and POST for changes, the arguments checked before they reach the engine.
 * `src/renderer/src/api/ws-client.ts` is the other side of this table.
 */
import type { EngineApi } from '../../shared/api'
import { BadArgument, flushAction, nonEmptyString, resourceOnly } from '../call-arguments'
import { revealInFileManager } from './reveal'

export interface Call {
  method: 'GET' | 'POST'
  query: URLSearchParams
  body: Record<string, unknown>
}

type Handler = (api: EngineApi, call: Call, params: string[]) => Promise<unknown>

interface Route {
  method: 'GET' | 'POST'
  pattern: RegExp
  handle: Handler
}

function optInt(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new BadArgument(`${name} must be a non-negative integer`)
  return n
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/traces$/,
    handle: (api, c) =>
      api.listTraces({
        afterSeq: optInt(c.query.get('afterSeq'), 'afterSeq'),
        limit: optInt(c.query.get('limit'), 'limit')
      })
  },
  { method: 'POST', pattern: /^\/api\/traces\/clear$/, handle: (api) => api.clearTraces().then(() => ({ ok: true })) },
  {
    method: 'GET',
    pattern: /^\/api\/traces\/([^/]+)$/,
    handle: (api, _c, [id]) => api.getTrace(decodeURIComponent(id))
  },
  {
    method: 'POST',
    pattern: /^\/api\/traces\/([^/]+)\/replay$/,
    handle: (api, _c, [id]) => api.replay(decodeURIComponent(id))
  },
  { method: 'GET', pattern: /^\/api\/config$/, handle: (api) => api.getConfigStatus() },
  { method: 'POST', pattern: /^\/api\/config\/reload$/, handle: (api) => api.reloadConfig() },
  {
    method: 'POST',
    pattern: /^\/api\/config\/open$/,
    handle: (api, c) => api.openConfig(nonEmptyString(c.body.path, 'path'))
  },
  { method: 'POST', pattern: /^\/api\/config\/runtime$/, handle: (api, c) => api.setRuntime(c.body) },
  {
    method: 'GET',
    pattern: /^\/api\/cache\/folder$/,
    handle: (api, c) => api.listCacheFolder(nonEmptyString(c.query.get('farm'), 'farm'), c.query.get('path') ?? '/')
  },
  {
    method: 'GET',
    pattern: /^\/api\/cache\/totals$/,
    handle: (api, c) => api.cacheTotals(nonEmptyString(c.query.get('farm'), 'farm'))
  },
  {
    method: 'POST',
    pattern: /^\/api\/cache\/flush-preview$/,
    handle: (api, c) =>
      api.previewFlush(
        nonEmptyString(c.body.farm, 'farm'),
        nonEmptyString(c.body.handle, 'handle'),
        flushAction(c.body.action),
        resourceOnly(c.body.resourceOnly)
      )
  },
  {
    method: 'POST',
    pattern: /^\/api\/cache\/flush$/,
    handle: (api, c) =>
      api.flush(
        nonEmptyString(c.body.farm, 'farm'),
        nonEmptyString(c.body.handle, 'handle'),
        flushAction(c.body.action),
        resourceOnly(c.body.resourceOnly)
      )
  },
  {
    method: 'POST',
    pattern: /^\/api\/cache\/clear$/,
    handle: (api, c) => api.clearCacheFolder(nonEmptyString(c.body.farm, 'farm'), nonEmptyString(c.body.path, 'path'))
  },
  {
    method: 'GET',
    pattern: /^\/api\/cache\/path$/,
    handle: (api, c) =>
      api.cachePath(nonEmptyString(c.query.get('farm'), 'farm'), nonEmptyString(c.query.get('path'), 'path'))
  },
  {
    method: 'POST',
    pattern: /^\/api\/cache\/reveal$/,
    handle: async (api, c) =>
      revealInFileManager(await api.cachePath(nonEmptyString(c.body.farm, 'farm'), nonEmptyString(c.body.path, 'path')))
  },
  { method: 'GET', pattern: /^\/api\/renders$/, handle: (api) => api.getRenders() }
]

/** The handler for a path, `'method'` when the path exists with another method, `null` when unknown. */
export function findRoute(method: string, pathname: string): { handle: Handler; params: string[] } | 'method' | null {
  let other = false
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname)
    if (!m) continue
    if (r.method === method) return { handle: r.handle, params: m.slice(1) }
    other = true
  }
  return other ? 'method' : null
}
