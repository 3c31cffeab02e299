import { describe, expect, it } from 'vitest'
import { compareHeaders, decidingStage, renderFact, waterfall } from '../../../src/renderer/src/store/trace-view'
import { trace } from './fixtures'

describe('the request as received against the request as sent to the render', () => {
  it('marks headers kept, dropped by /clientheaders, changed and added by the module', () => {
    const rows = compareHeaders(
      { host: 'a', cookie: 'x=1', via: '1.0 cdn' },
      { host: 'a', via: '1.0 cdn, 1.1 a (dispatcher)', 'x-forwarded-for': '127.0.0.1' }
    )
    expect(rows.map((r) => `${r.name}:${r.change}`)).toEqual([
      'host:same',
      'cookie:removed',
      'via:changed',
      'x-forwarded-for:added'
    ])
  })

  it('without a forwarded request nothing is marked as removed', () => {
    expect(compareHeaders({ host: 'a' }, undefined)).toEqual([
      { name: 'host', received: 'a', sent: null, change: 'same' }
    ])
  })
})

describe('the timing waterfall', () => {
  it('puts stages one after the other and splits the render into waiting and receiving', () => {
    const { bars, total, answered } = waterfall(trace())
    expect(bars.map((b) => [b.label, b.start, b.duration, b.kind])).toEqual([
      ['accept', 0, 0.5, 'stage'],
      ['filter', 0.5, 0.5, 'stage'],
      ['render /rend01 — waiting for headers', 1, 25, 'wait'],
      ['receiving the body', 26, 14, 'body']
    ])
    expect(total).toBe(40)
    expect(answered).toBe(40)
  })

  it('stages recorded after the render start from its headers; a cache write may end after the answer', () => {
    const t = trace()
    const stages = [
      ...t.stages,
      { stage: 'cache' as const, verdict: 'changed' as const, summary: 'stored', durationMs: 50 }
    ]
    stages[2] = { ...stages[2], durationMs: 26 }
    const { bars, total, answered } = waterfall({ ...t, stages })
    expect(bars[bars.length - 1]).toMatchObject({ label: 'cache', start: 27, duration: 50 })
    expect(total).toBe(77)
    expect(answered).toBe(40)
  })
})

describe('the timing waterfall of a request no render answered', () => {
  // A cache hit as the engine timed it: the stages' clock covers 0.65 of the 2.4 ms answered;
  // the rest is outside any stage (the request set up, the file sent after the last stage).
  const hit = trace({
    outcome: 'hit',
    durationMs: 2.4,
    stages: [
      { stage: 'accept', verdict: 'pass', summary: 'accepted /a.jpg', durationMs: 0 },
      { stage: 'cache', verdict: 'stop', summary: 'target file cached', durationMs: 0.31 },
      { stage: 'response', verdict: 'pass', summary: 'Apache sections', durationMs: 0.13 },
      { stage: 'response', verdict: 'changed', summary: 'Header directives applied (3)', durationMs: 0.21 }
    ]
  })

  it('accounts for the whole answer: the time in no stage is a last bar up to the answer', () => {
    const { bars, answered, unattributed } = waterfall(hit)
    const last = bars[bars.length - 1]
    expect(last).toMatchObject({ label: 'other (in no stage)', kind: 'other' })
    expect(last.start).toBeCloseTo(0.65, 9)
    expect(last.duration).toBeCloseTo(1.75, 9)
    expect(last.start + last.duration).toBeCloseTo(answered, 9)
    expect(unattributed).toBeCloseTo(1.75, 9)
    expect(bars.reduce((sum, b) => sum + b.duration, 0)).toBeCloseTo(2.4, 9)
  })

  it('adds no such bar when the stages (or the body received) already reach the answer', () => {
    expect(waterfall(trace()).bars.map((b) => b.kind)).not.toContain('other')
    expect(waterfall(trace()).unattributed).toBe(0)
    const exact = trace({ durationMs: 0.655, stages: hit.stages })
    expect(waterfall(exact).bars.map((b) => b.kind)).not.toContain('other')
  })
})

describe('the one-line reason of a request', () => {
  it('is the summary of the stage that answered', () => {
    const t = trace({
      stages: [
        { stage: 'accept', verdict: 'pass', summary: 'accepted', durationMs: 0 },
        {
          stage: 'filter',
          verdict: 'stop',
          summary: "Filter rule entry /0001 blocked 'GET /x HTTP/1.1'",
          durationMs: 0
        }
      ]
    })
    expect(decidingStage(t)?.summary).toBe("Filter rule entry /0001 blocked 'GET /x HTTP/1.1'")
  })

  it("is the cache's last word for a request the render answered, not the response stages after it", () => {
    const t = trace({
      stages: [
        { stage: 'cache', verdict: 'pass', summary: 'not cacheable: request contained a query string', durationMs: 0 },
        { stage: 'render', verdict: 'pass', summary: 'render /0 answered 200', durationMs: 1 },
        { stage: 'response', verdict: 'changed', summary: 'Header directives applied (3)', durationMs: 0 }
      ]
    })
    expect(decidingStage(t)?.summary).toBe('not cacheable: request contained a query string')
  })

  it('is the last stage when none answered on its own', () => {
    expect(decidingStage(trace())?.stage).toBe('render')
  })
})

describe("the overview's render fact", () => {
  it('names the render whose answer the client got', () => {
    expect(renderFact(trace())).toEqual({ render: 'rend01', words: '' })
  })

  it('says the render failed and /serveStaleOnError delivered the stale copy, rather than that no render answered', () => {
    const t = trace()
    const stages = t.stages.map((s) =>
      s.stage === 'render'
        ? { ...s, verdict: 'error' as const, detail: { ...(s.detail as object), status: undefined } }
        : s
    )
    expect(renderFact({ ...t, outcome: 'stale', stages })).toEqual({
      render: 'rend01',
      words: 'failed: /serveStaleOnError delivered the stale copy'
    })
    expect(renderFact({ ...t, outcome: 'error', stages })).toEqual({ render: null, words: 'no render answered' })
    expect(renderFact({ ...t, forwarded: undefined })).toBeNull()
  })
})
