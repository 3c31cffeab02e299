/**
 * The trace's words for a `/serveStaleOnError` delivery (dispatcher-behavior.md §5.7): the render
 * failed, and the client gets the stale copy with `Warning: 111` instead of the render's error.
 * The render stage's line is the trace's headline, so it says both, how the render failed
 * (status, timeout, no answer) and what the client got instead; with the default retries a dead
 * render costs about 4 s before the copy goes out, so the attempts and their time are said too.
 */
import type { ActiveFarm } from '../runtime/active-config'
import type { AttemptsResult } from '../upstream/attempts'
import { noRenderAnswered, retrySettings, span } from '../upstream/attempts-words'

type Failed<R> = Exclude<AttemptsResult<R>, { kind: 'aborted' }>

export interface StaleOnErrorWords {
  /** The render stage's line. */
  render: string
  /** The cache stage's line for the delivery. */
  cache: string
}

export function staleOnErrorWords<R>(result: Failed<R>, active: ActiveFarm, relPath: string): StaleOnErrorWords {
  const attempts = result.attempts
  const last = attempts[attempts.length - 1]
  const tries = attempts.length > 1 ? ` after ${span(attempts)}` : attempts.length === 1 ? ' on the first attempt' : ''
  let failure: string
  let spared: number
  if (result.kind === 'response') {
    failure = `render /${last.render} (${last.origin}) answered ${result.status}${tries}`
    spared = result.status
  } else if (result.kind === 'timeout') {
    const r = active.renders[result.render].render
    failure = `render /${last.render} (${last.origin}) did not answer within /receiveTimeout (${r.receiveTimeout.value} ms)${tries}`
    spared = 504
  } else {
    // In the words of the 503 it spares (attempts-words.ts), which say where the time went.
    failure =
      attempts.length > 0
        ? noRenderAnswered(attempts, retrySettings(active.farm))
        : `no render reachable: ${result.reason}`
    spared = 503
  }
  const delivered = `/serveStaleOnError delivers the stale ${relPath}`
  const warning = 'Warning: 111 "Revalidation failed"'
  return {
    render: `the render failed (${failure}): ${delivered} instead of the ${spared}, with ${warning}`,
    cache: `${delivered} with ${warning}: the render failed${tries}`
  }
}
