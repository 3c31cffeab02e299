/** The AEMaaCS dispatcher.log line of a request (src/shared/log-line.ts, §8.2). */
import { describe, expect, it } from 'vitest'
import { answeringRender, dispatcherLogLine } from '../../../src/shared/log-line'
import { summarize } from '../../../src/main/engine/engine-api'
import { trace } from './fixtures'

describe('dispatcherLogLine', () => {
  it('a 200 fetched and stored: status "-", farm/render, action miss, the URL the Dispatcher used', () => {
    const t = trace({ outcome: 'miss-stored', effectiveUrl: '/content/site/us/en.html', durationMs: 474.6 })
    t.response.status = 200
    expect(dispatcherLogLine(t)).toBe(
      '[02/Jan/2025:03:04:05 +0000] [I] [workbench] "GET /content/site/us/en.html" - 475ms [publish/rend01] [action miss] "localhost:8080"'
    )
  })

  it('a hit has no render; an uncacheable 302 shows its status and action none', () => {
    const hit = trace({ outcome: 'hit', forwarded: undefined, durationMs: 0.4 })
    hit.response.status = 200
    expect(dispatcherLogLine(hit)).toMatch(/" - 0ms \[publish\/-\] \[action hit\] "localhost:8080"$/)
    const redirect = trace({ outcome: 'miss-uncacheable', effectiveUrl: '/content/site/go.html' })
    redirect.response.status = 302
    expect(dispatcherLogLine(redirect)).toMatch(
      /"GET \/content\/site\/go.html" 302 40ms \[publish\/rend01\] \[action none\]/
    )
  })

  it('an invalidation request the module took: action purge, no render', () => {
    const t = trace({ outcome: 'flush', forwarded: undefined, effectiveUrl: '/dispatcher/invalidate.cache' })
    t.response.status = 200
    expect(dispatcherLogLine(t)).toMatch(/"GET \/dispatcher\/invalidate.cache" - 40ms \[publish\/-\] \[action purge\]/)
  })

  it('a 503 or 504 the module gave itself, no render having answered, shows farm/- as AMS logs it', () => {
    // AMS common-logs: '"GET /favicon.ico" 502 - 54034ms authorfarm/-', '… 503 - 54234ms authorfarm/-':
    // the request was sent to a render (trace.forwarded) but none answered.
    const noAnswer = (status: number, outcome: 'error' | 'stale'): string => {
      const t = trace({ outcome })
      t.response.status = status
      const render = t.stages.find((s) => s.stage === 'render')!
      render.detail = { ...(render.detail as object), status: undefined, timeToHeadersMs: undefined }
      return String(dispatcherLogLine(t))
    }
    expect(noAnswer(503, 'error')).toContain(' 503 40ms [publish/-] [action none]')
    expect(noAnswer(504, 'error')).toContain(' 504 40ms [publish/-] [action none]')
    // /serveStaleOnError: the stale file answered after the render failed; §8.2 documents no word
    // for that, so the workbench's own, marked as such, rather than a hit's.
    expect(noAnswer(200, 'stale')).toContain(' - 40ms [publish/-] [action x-workbench:stale-on-error]')
    // A stale copy sent without asking a render (within /gracePeriod) is delivered as a hit is.
    expect(dispatcherLogLine(trace({ outcome: 'stale', forwarded: undefined }))).toContain('[action hit]')
  })

  it("the request log's render column agrees with the line: no render for a 503 none answered", () => {
    const answered = trace({ outcome: 'miss-stored' })
    expect(answeringRender(answered)).toBe('rend01')
    expect(summarize(answered).render).toBe('rend01')
    const refused = trace({ outcome: 'error' })
    refused.response.status = 503
    const render = refused.stages.find((s) => s.stage === 'render')!
    render.detail = { ...(render.detail as object), status: undefined }
    expect(answeringRender(refused)).toBeNull()
    expect(summarize(refused).render).toBeNull()
  })

  it('a request the module took with no farm to choose shows -/-', () => {
    const t = trace({ outcome: 'error', farm: undefined, forwarded: undefined })
    t.stages.push({ stage: 'farm', verdict: 'stop', summary: 'the configuration has no farm', durationMs: 0 })
    t.response.status = 503
    expect(dispatcherLogLine(t)).toContain(' 503 40ms [-/-] [action none]')
  })

  it('a request the Dispatcher handler never took has no line (CustomLog expr=%{HANDLER} == dispatcher-handler)', () => {
    const t = trace({ outcome: 'blocked', farm: undefined, forwarded: undefined })
    t.response.status = 400
    expect(dispatcherLogLine(t)).toBeNull()
    expect(dispatcherLogLine(trace({ outcome: 'static', farm: undefined, forwarded: undefined }))).toBeNull()
  })
})
