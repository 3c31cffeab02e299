/**
 * The render stage's words for the attempts a request took (dispatcher-behavior.md §6.4), for
 * the trace and explain alike: the one-line reason when no render answered, and the note over
 * the attempts table. A request no render answers takes /numberOfRetries rounds with
 * /retryDelay seconds between them (about 4 s with the defaults), so the line says where that
 * time went and what every render said, in the module's log words
 * (`Unable to connect socket to 10.43.3.40:4502: Connection refused`, then `Unable to connect
 * to any backend in farm authorfarm`), before the answer's status.
 */
import type { Farm } from '../../../shared/config-model'
import { roundsOf, type AttemptRecord } from './attempts'

export interface RetrySettings {
  numberOfRetries: number
  retryDelaySeconds: number
  /** Which of the two the farm does not set (the module's defaults apply): said as such, not quoted as written. */
  defaulted?: { numberOfRetries?: boolean; retryDelay?: boolean }
}

/** The farm's `/numberOfRetries` and `/retryDelay` as the attempt loop used them. */
export function retrySettings(farm: Farm): RetrySettings {
  return {
    numberOfRetries: farm.numberOfRetries.value,
    retryDelaySeconds: farm.retryDelay.value,
    // A value read from the configuration carries its position; a default has none.
    defaulted: {
      numberOfRetries: farm.numberOfRetries.pos === undefined,
      retryDelay: farm.retryDelay.pos === undefined
    }
  }
}

/**
 * `no render answered: localhost:4503: Connection refused, 5 attempts in 5 rounds over 4.0 s
 * (/numberOfRetries 5, /retryDelay 1 s); Unable to connect to any backend in farm publishfarm: 503`.
 * `ending` is the module's farm line, or why the loop stopped early (a body that cannot be
 * sent again).
 */
export function unavailableSummary(attempts: readonly AttemptRecord[], retries: RetrySettings, ending: string): string {
  if (attempts.length === 0) return `${ending}: 503`
  return `${noRenderAnswered(attempts, retries)}; ${ending}: 503`
}

/**
 * `no render answered: localhost:4503: Connection refused, 5 attempts in 5 rounds over 4.0 s
 * (/numberOfRetries 5, /retryDelay 1 s)`: what the attempts said and where the time went, also
 * where /serveStaleOnError answers with the stale copy instead of the 503. `attempts` is not empty.
 */
export function noRenderAnswered(attempts: readonly AttemptRecord[], retries: RetrySettings): string {
  return `no render answered: ${causes(attempts)}, ${span(attempts)} (${policy(retries, lastRound(attempts))})`
}

/**
 * Over the attempts table when there was more than one attempt: how many, in how many rounds,
 * over how long, and the settings that made it so. `undefined` for a single attempt.
 */
export function attemptsNote(attempts: readonly AttemptRecord[], retries: RetrySettings): string | undefined {
  if (attempts.length < 2) return undefined
  const rounds = roundsOf(retries.numberOfRetries)
  const d = retries.defaulted ?? {}
  const delayIs = d.retryDelay ? 'the default /retryDelay' : `/retryDelay "${retries.retryDelaySeconds}"`
  const delay = rounds > 1 ? `, and ${delayIs} waits ${seconds(retries.retryDelaySeconds)} between rounds` : ''
  const triesAre = d.numberOfRetries
    ? `the default /numberOfRetries (${retries.numberOfRetries})`
    : `/numberOfRetries "${retries.numberOfRetries}"`
  return `${span(attempts)}: ${triesAre} allows ${plural(rounds, 'round')}, each trying every render once${delay}.`
}

/**
 * What each render said, in the order first heard: `localhost:4503: Connection refused` when
 * every attempt failed alike, else each cause with its count (`a:1: Connection refused (2×)`).
 */
function causes(attempts: readonly AttemptRecord[]): string {
  const counts = new Map<string, number>()
  for (const a of attempts) {
    const key = `${a.origin}: ${a.result}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  if (counts.size === 1) return [...counts.keys()][0]
  return [...counts].map(([key, n]) => (n > 1 ? `${key} (${n}×)` : key)).join(', ')
}

/** `5 attempts in 5 rounds over 4.0 s`: from the first attempt's start to the last one's end. `attempts` is not empty. */
export function span(attempts: readonly AttemptRecord[]): string {
  const last = attempts[attempts.length - 1]
  return `${plural(attempts.length, 'attempt')} in ${plural(lastRound(attempts), 'round')} over ${duration(last.atMs + last.durationMs)}`
}

function policy(retries: RetrySettings, roundsMade: number): string {
  const d = retries.defaulted ?? {}
  const tries = `/numberOfRetries ${retries.numberOfRetries}${d.numberOfRetries ? ' by default' : ''}`
  const delay = `/retryDelay ${seconds(retries.retryDelaySeconds)}${d.retryDelay ? ' by default' : ''}`
  return roundsMade > 1 ? `${tries}, ${delay}` : tries
}

function lastRound(attempts: readonly AttemptRecord[]): number {
  return attempts[attempts.length - 1].round
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function seconds(s: number): string {
  return `${s} s`
}

function duration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(1)} s`
}
