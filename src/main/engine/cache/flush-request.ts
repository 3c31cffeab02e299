/**
 * Recognising and reading an invalidation request (dispatcher-behavior.md §7.1). Detection
 * (UNCERTAIN): the path ends with `/invalidate.cache` and a `CQ-Action` header is present;
 * the legacy names `Action` and `Handle` are accepted too.
 */
import type { FlushAction } from '../../../shared/cache-types'
import { cacheFileNameOf } from '../apache-expr/uri-escape'

export interface InvalidationRequest {
  action: FlushAction
  /** The action as sent, when it was not one of the four known ones (then treated as Activate). */
  unknownAction: string | null
  /** Normalised handle, its bytes read as UTF-8 (a file name); `null` only for `Test`. */
  handle: string | null
  /** `CQ-Action-Scope: ResourceOnly`: no `.stat` is touched (§7.3 step 4). */
  resourceOnly: boolean
  /** `CQ-Action-Scope` as sent (`''` when absent), handed to `/invalidateHandler`. */
  scope: string
  /** Re-fetch URIs from the body (§7.4), one per line. */
  refetch: string[]
}

export type ParsedInvalidation = { ok: true; request: InvalidationRequest } | { ok: false; status: 400; reason: string }

const ACTIONS: Record<string, FlushAction> = {
  activate: 'Activate',
  deactivate: 'Deactivate',
  delete: 'Delete',
  test: 'Test'
}

/**
 * The invalidation protocol's request headers (§7.1), lower-cased, with the legacy `Action` and
 * `Handle` the module also reads. 4.3.8 no longer forwards them to renders (DISP-1040).
 */
export const INVALIDATION_HEADERS: ReadonlySet<string> = new Set([
  'cq-action',
  'action',
  'cq-handle',
  'handle',
  'cq-path',
  'cq-action-scope'
])

/** Headers with lower-case names. */
export function isInvalidationRequest(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>
): boolean {
  if (method !== 'GET' && method !== 'POST') return false
  if (!path.endsWith('/invalidate.cache')) return false
  return headers['cq-action'] !== undefined || headers['action'] !== undefined
}

/** Header values are byte strings, one character per byte, as Node's HTTP parser gives them. */
export function parseInvalidation(headers: Readonly<Record<string, string>>, body = ''): ParsedInvalidation {
  const sent = (headers['cq-action'] ?? headers['action'] ?? '').trim()
  const known = ACTIONS[sent.toLowerCase()]
  const action: FlushAction = known ?? 'Activate'
  const scope = (headers['cq-action-scope'] ?? '').trim()
  const refetch = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'))
  const rawHandle = headers['cq-handle'] ?? headers['handle']
  let handle: string | null = null
  if (action !== 'Test') {
    if (rawHandle === undefined || rawHandle.trim() === '') {
      return { ok: false, status: 400, reason: 'x-workbench: invalidation request without CQ-Handle' }
    }
    handle = normaliseHandle(rawHandle.trim())
    if (handle === null) return { ok: false, status: 400, reason: `x-workbench: invalid CQ-Handle ${rawHandle}` }
    // The header's bytes (one character each, as Node reads them) name files as a request
    // path's do: the module joins docroot and handle bytes, so AEM's UTF-8 `café` is the
    // `café.html` that `/caf%C3%A9.html` stored. Bytes that are not UTF-8 name a file the
    // workbench never writes and cannot name (cacheFileNameOf): refused rather than guessed.
    handle = cacheFileNameOf(handle)
    if (handle === null)
      return { ok: false, status: 400, reason: `x-workbench: CQ-Handle is not valid UTF-8: ${rawHandle}` }
  }
  return {
    ok: true,
    request: {
      action,
      unknownAction: known ? null : sent,
      handle,
      resourceOnly: scope.toLowerCase() === 'resourceonly',
      scope,
      refetch
    }
  }
}

/** Leading slash added, repeated and trailing slashes dropped; `.`/`..` segments and NUL refused. */
export function normaliseHandle(raw: string): string | null {
  if (raw.includes('\0')) return null
  const segs = raw.split('/').filter((s) => s !== '')
  if (segs.some((s) => s === '.' || s === '..')) return null
  return '/' + segs.join('/')
}
