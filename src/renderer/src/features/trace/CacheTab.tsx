/**
 * The request's cache entry: the docroot file it maps to, what its state was decided on when the
 * request was (CacheDecided), and the file as it is now, its state, the `.stat` that governs it
 * and its TTL, read from the cache when the farm has one.
 */
import { useEffect, useState } from 'react'
import type { CacheEntryInfo, CacheFolderListing } from '../../../../shared/cache-types'
import type { RequestTrace } from '../../../../shared/trace'
import { useSession } from '../../session-context'
import { parentDir } from '../../store/cache-tree'
import { formatBytes } from '../../store/format'
import { capitalised, governingStatWords } from '../../store/governed-by'
import { LocalTime } from '../../components/LocalTime'
import { CacheDecided } from './CacheDecided'

/**
 * The docroot-relative file a URL is stored under (§5.2): the path the cache stage reports when
 * it looked one up, else the URL's path decoded. A URL whose escapes are not UTF-8 (`%E9`)
 * makes decodeURIComponent throw, which would blank the whole page: such a path shows as sent.
 */
function cachePath(trace: RequestTrace): string {
  const detail = trace.stages.find((s) => s.stage === 'cache')?.detail as { relPath?: unknown } | undefined
  if (typeof detail?.relPath === 'string') return detail.relPath
  const path = (trace.effectiveUrl ?? trace.forwarded?.url ?? trace.request.url).split('?', 1)[0]
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

export function CacheTab({ trace }: { trace: RequestTrace }) {
  const { client } = useSession()
  const [entry, setEntry] = useState<CacheEntryInfo | null | 'none'>(null)
  const [error, setError] = useState<string | null>(null)
  const relPath = cachePath(trace)

  useEffect(() => {
    if (!trace.farm) return
    let live = true
    client
      .listCacheFolder(trace.farm, parentDir(relPath))
      .then((l: CacheFolderListing) => live && setEntry(l.files.find((f) => f.relPath === relPath) ?? 'none'))
      .catch((e: Error) => live && setError(e.message))
    return () => {
      live = false
    }
  }, [client, trace.farm, relPath])

  return (
    <div className="cache-tab">
      <p>
        X-Cache-Info: <span className="mono">{trace.cacheInfo ?? '— (the cache stage did not run)'}</span>
      </p>
      <p>
        Cache file: <span className="mono">{relPath}</span>
      </p>
      <CacheDecided trace={trace} />
      <section className="cache-now" data-testid="cache-now">
        <h4>Now (the docroot as it is at the moment, not what the request saw)</h4>
        {error && <p className="muted">{error}</p>}
        {entry === 'none' && <p className="muted">Not in the cache now.</p>}
        {entry && entry !== 'none' && (
          <dl className="parts">
            <dt>state</dt>
            <dd>
              <span className={`pill cache-${entry.state}`}>{entry.state}</span>
            </dd>
            <dt>size</dt>
            <dd>{formatBytes(entry.size)}</dd>
            <dt>cached at</dt>
            <dd>
              <LocalTime at={entry.cachedAt} withDate />
            </dd>
            <dt>governing .stat</dt>
            <GoverningStat entry={entry} />
            <dt>TTL</dt>
            <dd>
              {entry.ttlExpiresAt ? (
                <>
                  expires <LocalTime at={entry.ttlExpiresAt} withDate />
                </>
              ) : (
                'none'
              )}
            </dd>
            <dt>stored headers</dt>
            <dd className="mono">{entry.storedHeaders.map(([n, v]) => `${n}: ${v}`).join('\n') || '—'}</dd>
          </dl>
        )}
      </section>
    </div>
  )
}

/** The `.stat` that can make the entry stale, in the cache tree's words, worked out once. */
function GoverningStat({ entry }: { entry: CacheEntryInfo }) {
  const { text, why } = governingStatWords(entry)
  return (
    <dd className="mono" data-testid="governing-stat" title={capitalised(why)}>
      {text}
      {entry.governingStat && entry.statMtime ? (
        <>
          {' '}
          (<LocalTime at={entry.statMtime} withDate />)
        </>
      ) : null}
    </dd>
  )
}
