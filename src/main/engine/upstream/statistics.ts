/**
 * Load-balancing statistics of one farm (dispatcher-behavior.md §6.1) and the health of its
 * renders for the UI.
 *
 * The module keeps, per render and per `/statistics/categories` category (the first glob
 * that matches the URI; at most 8 categories, DC), a score built from past response times
 * and failed connections, and sends a request to the render with the lowest score. Its
 * formula is not documented (UNCERTAIN, §13); this one is:
 *
 *   estimate(render, category) = mean + penalty
 *   mean    = exponentially weighted mean of the response times (time to the response
 *             headers) of attempts in that category: mean += 0.3 × (sample − mean); a render
 *             never measured in the category has mean 0, so every render gets tried.
 *   penalty = `/unavailablePenalty` tenths of a second (default 1 = 100 ms) added to the
 *             category each time a connection fails or a health check says the render is
 *             down (DC); it halves every 10 s, so a render that comes back is tried again
 *             rather than being avoided forever because it is never measured.
 *
 * Ties go to the render listed first; a URI in no category (or a farm without categories)
 * goes to the first render — "If you do not use load balancing, you can omit this section".
 *
 * Health (per render, whatever the category): requests (each request once per render it was
 * sent to or tried on, however many attempts it took there: with nothing listening, one request
 * is /numberOfRetries connection attempts), attempts, failed attempts, answers, average and 95th
 * percentile of the last 256 answers' response times, last error, penalty in effect (ms), up/down.
 * A render is down after a failed connection or a failed health check and up again as soon
 * as it answers anything; listeners hear about every up/down change.
 */
import type { RenderHealth } from '../../../shared/api'
import type { StatisticsCategory } from '../../../shared/config-model'
import { compilePattern } from '../match/pattern'
import { LatencyWindow } from './latency-window'

/** Weight of a new response time in the running estimate. */
export const ESTIMATE_WEIGHT = 0.3
/** Time after which half of an accumulated penalty is forgotten. */
export const PENALTY_HALF_LIFE_MS = 10_000
/** The module uses the first eight categories and ignores the rest (DC). */
export const MAX_CATEGORIES = 8

export interface StatisticsRender {
  label: string
  /** `host:port`, as the health panel shows it. */
  origin: string
}

export interface StatisticsOptions {
  farm: string
  renders: StatisticsRender[]
  categories: StatisticsCategory[]
  /** `/unavailablePenalty`, in tenths of a second. */
  unavailablePenalty: number
  /** Milliseconds clock (tests pass a fake one). */
  now?: () => number
}

export interface RenderPick {
  index: number
  /** Label of the URI's category; `null` when no category matches. */
  category: string | null
  /** Every render's estimate (ms) in that category, in list order; `null` without a category. */
  estimates: number[] | null
}

interface Decaying {
  value: number
  at: number
}

interface CategoryScore {
  mean: number | null
  penalty: Decaying
}

interface RenderState {
  label: string
  origin: string
  up: boolean
  lastError: string | null
  requests: number
  attempts: number
  failures: number
  answered: number
  latency: LatencyWindow
  /** All penalties of the render, whatever the category: what the health panel shows. */
  penalty: Decaying
  scores: CategoryScore[]
}

interface CompiledCategory {
  label: string
  test: (uri: string) => boolean
}

export class RenderStatistics {
  readonly farm: string
  private readonly categories: CompiledCategory[]
  private readonly states: RenderState[]
  private readonly penaltyMs: number
  private readonly now: () => number
  private readonly listeners = new Set<(health: RenderHealth[]) => void>()

  constructor(opts: StatisticsOptions) {
    this.farm = opts.farm
    this.now = opts.now ?? (() => performance.now())
    this.penaltyMs = Math.max(0, opts.unavailablePenalty) * 100
    this.categories = opts.categories.slice(0, MAX_CATEGORIES).map(compileCategory)
    const t = this.now()
    this.states = opts.renders.map((r) => ({
      label: r.label,
      origin: r.origin,
      up: true,
      lastError: null,
      requests: 0,
      attempts: 0,
      failures: 0,
      answered: 0,
      latency: new LatencyWindow(),
      penalty: { value: 0, at: t },
      scores: this.categories.map(() => ({ mean: null, penalty: { value: 0, at: t } }))
    }))
  }

  get renderCount(): number {
    return this.states.length
  }

  /** The first category whose pattern matches the URI (the request path). */
  categoryOf(uri: string): { index: number; label: string } | null {
    const index = this.categories.findIndex((c) => c.test(uri))
    return index < 0 ? null : { index, label: this.categories[index].label }
  }

  /** Estimate in ms of `render` for the category at `categoryIndex`. */
  estimate(render: number, categoryIndex: number): number {
    const score = this.states[render].scores[categoryIndex]
    return (score.mean ?? 0) + this.decayed(score.penalty)
  }

  /** The render with the lowest estimate in the URI's category; the first render on ties or without a category. */
  choose(uri: string): RenderPick {
    const category = this.categoryOf(uri)
    if (!category || this.states.length === 0) return { index: 0, category: category?.label ?? null, estimates: null }
    const estimates = this.states.map((_, i) => this.estimate(i, category.index))
    let best = 0
    for (let i = 1; i < estimates.length; i++) if (estimates[i] < estimates[best]) best = i
    return { index: best, category: category.label, estimates }
  }

  /** Every render, lowest estimate first (list order on ties and when the URI has no category). */
  rank(uri: string): number[] {
    const order = this.states.map((_, i) => i)
    const category = this.categoryOf(uri)
    if (!category) return order
    const est = order.map((i) => this.estimate(i, category.index))
    return order.sort((a, b) => est[a] - est[b] || a - b)
  }

  /**
   * A request is sent to or tried on `render`: once per request, before its first attempt there.
   * The attempts it takes are counted by the calls below.
   */
  recordRequest(render: number): void {
    this.states[render].requests++
  }

  /** The render answered (any status) after `durationMs` until its response headers. */
  recordResponse(render: number, uri: string, durationMs: number): void {
    const s = this.states[render]
    s.attempts++
    s.answered++
    s.latency.add(durationMs)
    this.sample(s, uri, durationMs)
    this.setUp(s, true)
  }

  /** Refused, unreachable, reset before answering: the penalty applies (DC /unavailablePenalty). */
  recordConnectFailure(render: number, uri: string, message: string): void {
    const s = this.states[render]
    s.attempts++
    s.failures++
    s.lastError = message
    this.penalise(s, uri)
    this.setUp(s, false)
  }

  /** No response headers within `/receiveTimeout`: at least that slow, but reachable. */
  recordTimeout(render: number, uri: string, durationMs: number, message: string): void {
    const s = this.states[render]
    s.attempts++
    s.failures++
    s.lastError = message
    this.sample(s, uri, durationMs)
  }

  /**
   * A failed `/health_check` after a 50x: "considered to be unavailable", penalty applied (DC).
   * The attempt was counted when its 50x came; it now counts as failed too.
   */
  recordUnhealthy(render: number, uri: string, message: string): void {
    const s = this.states[render]
    s.failures++
    s.lastError = message
    this.penalise(s, uri)
    this.setUp(s, false)
  }

  /** Outcome of a probe outside any request (e.g. at start-up); counts as neither request nor failure. */
  markReachable(render: number, reachable: boolean, message?: string): void {
    const s = this.states[render]
    if (!reachable && message) s.lastError = message
    this.setUp(s, reachable)
  }

  health(): RenderHealth[] {
    return this.states.map((s) => ({
      farm: this.farm,
      render: s.label,
      origin: s.origin,
      up: s.up,
      lastError: s.lastError,
      requests: s.requests,
      attempts: s.attempts,
      failures: s.failures,
      answered: s.answered,
      avgMs: round1(s.latency.average()),
      p95Ms: round1(s.latency.percentile(95)),
      penalty: Math.round(this.decayed(s.penalty))
    }))
  }

  /** Called with the whole farm's health whenever a render goes up or down. */
  onHealthChange(listener: (health: RenderHealth[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Keeps what `previous` learnt about renders that survived a configuration reload (same
   * label and address): counters, latencies, up/down, and the scores of categories that
   * kept their label.
   */
  adopt(previous: RenderStatistics): void {
    for (const s of this.states) {
      const old = previous.states.find((o) => o.label === s.label && o.origin === s.origin)
      if (!old) continue
      s.up = old.up
      s.lastError = old.lastError
      s.requests = old.requests
      s.attempts = old.attempts
      s.failures = old.failures
      s.answered = old.answered
      s.latency = old.latency
      s.penalty = { ...old.penalty }
      this.categories.forEach((c, i) => {
        const j = previous.categories.findIndex((p) => p.label === c.label)
        if (j >= 0) s.scores[i] = { mean: old.scores[j].mean, penalty: { ...old.scores[j].penalty } }
      })
    }
  }

  private sample(s: RenderState, uri: string, ms: number): void {
    const category = this.categoryOf(uri)
    if (!category) return
    const score = s.scores[category.index]
    score.mean = score.mean === null ? ms : score.mean + ESTIMATE_WEIGHT * (ms - score.mean)
  }

  private penalise(s: RenderState, uri: string): void {
    this.addPenalty(s.penalty)
    const category = this.categoryOf(uri)
    if (category) this.addPenalty(s.scores[category.index].penalty)
  }

  private addPenalty(p: Decaying): void {
    p.value = this.decayed(p) + this.penaltyMs
    p.at = this.now()
  }

  private decayed(p: Decaying): number {
    if (p.value === 0) return 0
    const elapsed = Math.max(0, this.now() - p.at)
    return p.value * Math.pow(0.5, elapsed / PENALTY_HALF_LIFE_MS)
  }

  private setUp(s: RenderState, up: boolean): void {
    if (s.up === up) return
    s.up = up
    this.notify()
  }

  private notify(): void {
    if (this.listeners.size === 0) return
    const health = this.health()
    for (const l of this.listeners) {
      try {
        l(health)
      } catch {
        // A failing listener (a closed UI channel) must not break the request that changed the health.
      }
    }
  }
}

function compileCategory(c: StatisticsCategory): CompiledCategory {
  if (!c.glob) return { label: c.label, test: () => false }
  try {
    return { label: c.label, test: compilePattern(c.glob).test }
  } catch {
    // The loader already reported the broken pattern; a category that cannot compile matches nothing.
    return { label: c.label, test: () => false }
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
