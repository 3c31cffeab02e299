/**
 * The Cache tab's account of the decision: the cache file's state and what it was judged by, as
 * the cache stage read them when the request was decided (its detail's `decided`). The docroot
 * listing below it is read when the tab opens, by when a flush or a refetch may have made the
 * file another copy, so it cannot say why this request was answered as it was.
 */
import type { CacheDecision } from '../../../../shared/cache-types'
import type { CacheStageDetail, RequestTrace } from '../../../../shared/trace'
import { capitalised, governingStatWords } from '../../store/governed-by'
import { graceThen, ttlThen } from '../../store/decided-then'
import { LocalTime } from '../../components/LocalTime'

/** The first cache-stage entry that looked the file up (a later one, /serveStaleOnError's, has no detail). */
function cacheDetail(trace: RequestTrace): CacheStageDetail | undefined {
  for (const s of trace.stages) if (s.stage === 'cache' && s.detail) return s.detail as CacheStageDetail
  return undefined
}

export function CacheDecided({ trace }: { trace: RequestTrace }) {
  const detail = cacheDetail(trace)
  if (!detail?.cacheable || typeof detail.relPath !== 'string') return null
  const d = detail.decided
  return (
    <section className="cache-decided" data-testid="cache-decided">
      <h4>
        When the request was decided (<LocalTime at={trace.startedAt} withDate />)
      </h4>
      {d ? <DecisionFacts d={d} at={trace.startedAt} /> : <p className="muted">No cache file: the render was asked.</p>}
    </section>
  )
}

function DecisionFacts({ d, at }: { d: CacheDecision; at: number }) {
  const stat = governingStatWords(d)
  return (
    <dl className="parts">
      <dt>state</dt>
      <dd>
        <span className={`pill cache-${d.state}`}>{d.state}</span>
      </dd>
      <dt>cached at</dt>
      <dd>
        <LocalTime at={d.fileMtime} withDate />
      </dd>
      <dt>governing .stat</dt>
      <dd className="mono" title={capitalised(stat.why)}>
        {stat.text}
        {d.statMtime !== null && (
          <>
            {' '}
            (touched <LocalTime at={d.statMtime} withDate />, {d.statMtime > d.fileMtime ? 'after' : 'before'} the file
            was stored)
          </>
        )}
      </dd>
      {d.graceEndsAt !== null && (
        <>
          <dt>grace period</dt>
          <dd>
            ends <LocalTime at={d.graceEndsAt} withDate /> ({graceThen(d.state, d.graceEndsAt, at)})
          </dd>
        </>
      )}
      <dt>TTL</dt>
      <dd>
        {d.ttlExpiresAt !== null ? (
          <>
            expires <LocalTime at={d.ttlExpiresAt} withDate /> ({ttlThen(d.state)})
          </>
        ) : (
          'none'
        )}
      </dd>
    </dl>
  )
}
