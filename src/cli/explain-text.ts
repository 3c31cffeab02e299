/**
 * `explain`'s text: one line per stage in aligned columns (stage, verdict, summary, source), the
 * filter's "almost" lists under a denied request, and a last line with the verdict.
 */
import path from 'node:path'
import type { SourcePos } from '../shared/diagnostics'
import {
  moreNearMisses,
  NEAR_MISSES_HEADING,
  NEAR_MISSES_SHOWN,
  nearMissWords,
  OVERRIDDEN_HEADING,
  overriddenWords
} from '../shared/filter-almost-words'
import type { RequestTrace, StageTrace } from '../shared/trace'
import type { FilterResult } from '../shared/trace-match'
import { displayPath } from './check'
import { cacheOf } from './explain-json'

/** The longest stage name (`response`) and verdict (`changed`): every row lines up. */
const STAGE_WIDTH = 8
const VERDICT_WIDTH = 7
/** Where the summary column starts, for the lines that continue a stage's row. */
const CONTINUED = ' '.repeat(2 + STAGE_WIDTH + 1 + VERDICT_WIDTH + 1)

/**
 * `editedSdkFiles`: the SDK's immutable files this project has edited (SDK_IMMUTABLE_CHANGED).
 * A rule from one of them decides here as written, but not in the Cloud, which deploys the SDK's
 * version (as docker_run.sh runs it): the filter's row says so.
 */
export function printTrace(
  trace: RequestTrace,
  baseDir: string,
  out: (s: string) => void,
  editedSdkFiles: ReadonlySet<string> = new Set()
): void {
  out(`${trace.request.method} ${trace.request.url}  (Host: ${trace.request.host})`)
  out(`configuration: ${baseDir} (the files below are relative to it)`)
  for (const s of trace.stages) {
    const where = s.source && !namesItself(s.summary, s.source) ? `  [${shownPath(s.source, baseDir)}]` : ''
    out(`  ${s.stage.padEnd(STAGE_WIDTH)} ${s.verdict.padEnd(VERDICT_WIDTH)} ${s.summary}${where}`)
    if (s.stage === 'filter' && s.source && editedSdkFiles.has(s.source.file)) {
      out(
        `${CONTINUED}note: ${displayPath(s.source.file, baseDir)} is an SDK file edited in this project; the Cloud ` +
          `deploys the SDK's unedited version (the SDK's docker_run.sh runs it too), where this rule may decide otherwise`
      )
    }
    if (s.stage === 'filter' && s.verdict === 'stop') printAlmost(filterDetail(s), baseDir, out)
  }
  out(`→ ${verdictLine(trace)}`)
  for (const w of trace.warnings) out(`  warning: ${w}`)
}

/** A summary that already says where it comes from (`virtual host publish (wknd.vhost:11)`) gets no second path. */
function namesItself(summary: string, source: SourcePos): boolean {
  return summary.includes(`${path.basename(source.file)}:${source.line}`)
}

/** Relative to the configuration folder; absolute for a file outside it (the runtime's built-in files). */
function shownPath(pos: SourcePos, baseDir: string): string {
  return `${displayPath(pos.file, baseDir)}:${pos.line}`
}

function filterDetail(s: StageTrace): FilterResult | null {
  const d = s.detail as Partial<FilterResult> | undefined
  return d && typeof d === 'object' && d.almost ? (d as FilterResult) : null
}

/** The same lists, in the same words and order, as the UI's filter stage. */
function printAlmost(result: FilterResult | null, baseDir: string, out: (s: string) => void): void {
  if (!result) return
  const { overridden, nearMisses } = result.almost
  if (overridden.length > 0) {
    out(`${CONTINUED}${OVERRIDDEN_HEADING}:`)
    for (const o of overridden) out(`${CONTINUED}  /${o.label} ${overriddenWords(o)}  [${shownPath(o.pos, baseDir)}]`)
  }
  if (nearMisses.length > 0) {
    out(`${CONTINUED}${NEAR_MISSES_HEADING}:`)
    for (const n of nearMisses.slice(0, NEAR_MISSES_SHOWN)) {
      out(`${CONTINUED}  /${n.label} — ${nearMissWords(n)}  [${shownPath(n.pos, baseDir)}]`)
    }
    const more = moreNearMisses(nearMisses)
    if (more) out(`${CONTINUED}  ${more} (explain --json lists them all)`)
  }
}
/** What the last line adds for a flush explain did not carry out. */
const NOT_FLUSHED = 'not performed (explain changes nothing in the cache)'

/**
 * The last line: the answer given without a render, or, for a request that would be forwarded,
 * what the cache would make of it. explain sends nothing, so a forwarded request's outcome is
 * the one a render's 200 would give (miss-stored when cacheable): whether the answer is stored
 * depends on the render's status and headers, which the line says.
 */
function verdictLine(trace: RequestTrace): string {
  const status = trace.response.status
  if (status) {
    const location = trace.response.headers.location
    const line = `${trace.outcome}, ${status}${location ? ` → ${location}` : ''}`
    // The module's 200 to an invalidation it carries out: explain only says what it would invalidate.
    return trace.outcome === 'flush' && status < 300 ? `${line}, ${NOT_FLUSHED}` : line
  }
  if (trace.outcome === 'flush') return `flush, ${NOT_FLUSHED}`
  const cache = cacheOf(trace)
  if (!cache) return `${trace.outcome}, forwarded`
  return cache.cacheable
    ? `forwarded; the answer would be cached (${cache.reason}) unless the render's status or headers forbid it`
    : `miss-uncacheable, forwarded (${cache.reason})`
}
