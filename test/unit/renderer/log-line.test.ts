/** The AEMaaCS dispatcher.log line of a request (src/shared/log-line.ts, §8.2). */
import { describe, expect, it } from 'vitest'
import { dispatcherLogLine } from '../../../src/shared/log-line'
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

  it('a request no farm took shows -/-', () => {
    const t = trace({ outcome: 'blocked', farm: undefined, forwarded: undefined })
    t.response.status = 404
    expect(dispatcherLogLine(t)).toContain(' 404 40ms [-/-] [action none]')
  })
})
