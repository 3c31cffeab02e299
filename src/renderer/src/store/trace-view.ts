/**
 * What the trace detail shows, worked out without React: the request as received against
 * the request as sent to the render, and the timing waterfall.
 */
import { answeringRender } from '../../../shared/log-line'
import type { RenderDetail, RequestTrace, StageTrace } from '../../../shared/trace'

export type HeaderChange = 'same' | 'added' | 'removed' | 'changed'

export interface HeaderRow {
  name: string
  received: string | null
  sent: string | null
  change: HeaderChange
}

/** Every header name of either side, received order first, with what happened to it. */
export function compareHeaders(
  received: Record<string, string>,
  sent: Record<string, string> | undefined
): HeaderRow[] {
  const rows: HeaderRow[] = []
  const seen = new Set<string>()
  const lowerSent = new Map(Object.entries(sent ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  for (const [name, value] of Object.entries(received)) {
    const key = name.toLowerCase()
    seen.add(key)
    const out = sent ? (lowerSent.get(key) ?? null) : null
    rows.push({
      name,
      received: value,
      sent: out,
      change: !sent ? 'same' : out === null ? 'removed' : out === value ? 'same' : 'changed'
    })
  }
  for (const [name, value] of Object.entries(sent ?? {})) {
    if (seen.has(name.toLowerCase())) continue
    rows.push({ name, received: null, sent: value, change: 'added' })
  }
  return rows
}

export interface WaterfallBar {
  label: string
  /** Offset and width in milliseconds from the start of the request. */
  start: number
  duration: number
  kind: 'stage' | 'wait' | 'body' | 'other'
}

/** Below this the rest is clock noise, not time worth a bar (formatMs shows 0.01 ms steps). */
const UNATTRIBUTED_MIN_MS = 0.01

/**
 * Each stage where it ran: a stage's duration is the time since the previous one was recorded,
 * so stages follow one another. The render stage is split into waiting for the headers and
 * receiving the body (up to the end of the answer); stages recorded after it (response headers,
 * the cache write) continue from the headers, and the cache write may end after the answer did.
 *
 * The stages do not cover the whole answer: their clock starts when the pipeline does and each
 * stage ends when it records its verdict, while the request's time (`durationMs`) runs from its
 * arrival until the last byte is written to the client and every stage is done. What is left over
 * (setting the request up before the first stage, and above all sending the answer after the last:
 * a cached file or an error page streamed to the socket) is one last bar, `other`, so the bars
 * end where the answer did rather than leaving a gap the text cannot explain.
 */
export function waterfall(trace: RequestTrace): {
  bars: WaterfallBar[]
  total: number
  answered: number
  /** Of `answered`, the time no stage recorded (the `other` bar's). */
  unattributed: number
} {
  const bars: WaterfallBar[] = []
  let at = 0
  for (const s of trace.stages) {
    if (s.stage === 'render') {
      const d = s.detail as RenderDetail | undefined
      const wait = d?.timeToHeadersMs ?? s.durationMs
      bars.push({
        label: `render ${d?.render ? '/' + d.render : ''} — waiting for headers`.trim(),
        start: at,
        duration: wait,
        kind: 'wait'
      })
      if (d?.status !== undefined && trace.durationMs > at + wait) {
        bars.push({
          label: 'receiving the body',
          start: at + wait,
          duration: trace.durationMs - at - wait,
          kind: 'body'
        })
      }
      at += s.durationMs
      continue
    }
    bars.push({ label: s.stage, start: at, duration: s.durationMs, kind: 'stage' })
    at += s.durationMs
  }
  const covered = bars.reduce((end, b) => Math.max(end, b.start + b.duration), 0)
  const rest = trace.durationMs - covered
  const unattributed = rest >= UNATTRIBUTED_MIN_MS ? rest : 0
  if (unattributed > 0) {
    bars.push({ label: 'other (in no stage)', start: covered, duration: unattributed, kind: 'other' })
  }
  return { bars, total: Math.max(trace.durationMs, at), answered: trace.durationMs, unattributed }
}

/**
 * The stage whose summary is the request's one-line reason: the stage that answered. A request
 * the render answered has no such stage; what it became (stored, or why not) is the cache's
 * last word — its stage after the render, or its request-side "not cacheable: …" — and not the
 * response stages that follow it (mod_headers, mod_deflate), which say nothing about the outcome.
 */
export function decidingStage(trace: RequestTrace): StageTrace | undefined {
  return (
    trace.stages.find((s) => s.verdict === 'stop' || s.verdict === 'error') ??
    trace.stages.findLast((s) => s.stage === 'cache') ??
    trace.stages.findLast((s) => s.stage === 'render') ??
    trace.stages[trace.stages.length - 1]
  )
}

/**
 * The overview's render fact: the render whose answer the client got; for a request the renders
 * failed and /serveStaleOnError answered from the cache (§5.7), that the render failed and the
 * stale copy went out (not "no render answered": a render may have answered, with a 503); else
 * that no render answered. `null` when no render was asked.
 */
export function renderFact(trace: RequestTrace): { render: string | null; words: string } | null {
  if (!trace.forwarded) return null
  const answering = answeringRender(trace)
  if (answering) return { render: answering, words: '' }
  if (trace.outcome === 'stale')
    return { render: trace.forwarded.render, words: 'failed: /serveStaleOnError delivered the stale copy' }
  return { render: null, words: 'no render answered' }
}
