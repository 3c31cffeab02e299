import { describe, expect, it } from 'vitest'
import type { RenderHealth } from '../../../src/shared/api'
import { LatencyWindow } from '../../../src/main/engine/upstream/latency-window'
import { PENALTY_HALF_LIFE_MS, RenderStatistics } from '../../../src/main/engine/upstream/statistics'
import { category, fakeClock } from './helpers'

const two = [
  { label: 'rend01', origin: '127.0.0.1:4503' },
  { label: 'rend02', origin: '127.0.0.1:4504' }
]
const htmlAndOthers = [category('html', '*.html'), category('others', '*')]

function stats(
  opts: { categories?: ReturnType<typeof category>[]; penalty?: number; clock?: ReturnType<typeof fakeClock> } = {}
): RenderStatistics {
  return new RenderStatistics({
    farm: 'publish',
    renders: two,
    categories: opts.categories ?? htmlAndOthers,
    unavailablePenalty: opts.penalty ?? 1,
    now: (opts.clock ?? fakeClock()).now
  })
}

describe('statistics categories (§6.1)', () => {
  it('the category of a URI is the first category whose glob matches', () => {
    const s = stats({
      categories: [category('search', '*search.html'), category('html', '*.html'), category('others', '*')]
    })
    expect(s.categoryOf('/content/site/search.html')?.label).toBe('search')
    expect(s.categoryOf('/content/site/en.html')?.label).toBe('html')
    expect(s.categoryOf('/content/dam/a.png')?.label).toBe('others')
  })

  it('only the first eight categories are used; a URI matching only the ninth has no category', () => {
    const cats = Array.from({ length: 8 }, (_, i) => category(`c${i}`, `/only${i}/*`)).concat(category('ninth', '*'))
    const s = stats({ categories: cats })
    expect(s.categoryOf('/only7/a.html')?.label).toBe('c7')
    expect(s.categoryOf('/elsewhere.html')).toBeNull()
  })

  it("a single-quoted category is a regular expression ('.*\\.json$')", () => {
    const s = stats({ categories: [category('json', '.*\\.json$', 'regex'), category('others', '*')] })
    expect(s.categoryOf('/content/a.model.json')?.label).toBe('json')
    expect(s.categoryOf('/content/a.html')?.label).toBe('others')
  })

  it('a URI in no category goes to the first render, whatever the estimates', () => {
    const s = stats({ categories: [category('html', '*.html')] })
    s.recordResponse(0, '/a.png', 900)
    expect(s.choose('/a.png')).toEqual({ index: 0, category: null, estimates: null })
  })

  it('a farm without /statistics sends everything to the first render', () => {
    const s = stats({ categories: [] })
    expect(s.choose('/content/a.html').index).toBe(0)
    expect(s.rank('/content/a.html')).toEqual([0, 1])
  })
})

describe('choosing the render with the lowest estimate', () => {
  it('on a tie (nothing measured yet) the first render is chosen', () => {
    expect(stats().choose('/a.html')).toEqual({ index: 0, category: 'html', estimates: [0, 0] })
  })

  it('a render never measured in the category is preferred, so every render gets tried', () => {
    const s = stats()
    s.recordResponse(0, '/a.html', 20)
    expect(s.choose('/b.html').index).toBe(1)
  })

  it('the faster render wins; the slower is ranked after it', () => {
    const s = stats()
    s.recordResponse(0, '/a.html', 50)
    s.recordResponse(1, '/a.html', 10)
    expect(s.choose('/x.html').index).toBe(1)
    expect(s.rank('/x.html')).toEqual([1, 0])
  })

  it('the estimate is an exponentially weighted mean: 100 ms then 0 ms gives 70 ms', () => {
    const s = stats()
    s.recordResponse(0, '/a.html', 100)
    s.recordResponse(0, '/a.html', 0)
    expect(s.estimate(0, 0)).toBeCloseTo(70, 6)
  })

  it('estimates are kept per category: slow HTML does not make images avoid the render', () => {
    const s = stats()
    s.recordResponse(0, '/a.html', 500)
    s.recordResponse(1, '/a.html', 10)
    s.recordResponse(0, '/a.png', 5)
    s.recordResponse(1, '/a.png', 50)
    expect(s.choose('/b.html').index).toBe(1)
    expect(s.choose('/b.png').index).toBe(0)
  })
})

describe('/unavailablePenalty', () => {
  it('a failed connection adds /unavailablePenalty tenths of a second to the URI category only', () => {
    const s = stats({ penalty: 5 })
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    expect(s.estimate(0, 0)).toBeCloseTo(500, 6)
    expect(s.estimate(0, 1)).toBe(0)
    expect(s.choose('/b.html').index).toBe(1)
    expect(s.choose('/b.png').index).toBe(0)
  })

  it('penalties add up and halve every 10 s, so a render that comes back is tried again', () => {
    const clock = fakeClock()
    const s = stats({ clock })
    s.recordResponse(1, '/a.html', 30)
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    expect(s.estimate(0, 0)).toBeCloseTo(200, 6)
    expect(s.choose('/a.html').index).toBe(1)
    clock.advance(PENALTY_HALF_LIFE_MS)
    expect(s.estimate(0, 0)).toBeCloseTo(100, 6)
    clock.advance(3 * PENALTY_HALF_LIFE_MS)
    expect(s.estimate(0, 0)).toBeCloseTo(12.5, 6)
    expect(s.choose('/a.html').index).toBe(0)
  })

  it('a failed health check is penalised like a failed connection', () => {
    const s = stats()
    s.recordUnhealthy(0, '/a.html', 'HTTP 500, /health_check answered 500')
    expect(s.estimate(0, 0)).toBeCloseTo(100, 6)
  })
})

describe('render health', () => {
  it('counts requests, attempts, failures and answers apart, keeps the last error and the penalty in effect', () => {
    const s = stats()
    s.recordRequest(0)
    s.recordResponse(0, '/a.html', 10)
    s.recordRequest(0)
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    s.recordRequest(1)
    s.recordTimeout(1, '/a.html', 1000, 'render did not answer within /receiveTimeout')
    const [h0, h1] = s.health()
    expect(h0).toEqual<RenderHealth>({
      farm: 'publish',
      render: 'rend01',
      origin: '127.0.0.1:4503',
      up: false,
      lastError: 'Connection refused',
      requests: 2,
      attempts: 3,
      failures: 2,
      answered: 1,
      avgMs: 10,
      p95Ms: 10,
      penalty: 200
    })
    expect(h1).toMatchObject({
      up: true,
      requests: 1,
      attempts: 1,
      failures: 1,
      answered: 0,
      lastError: 'render did not answer within /receiveTimeout'
    })
  })

  it('average and 95th percentile come from the response times', () => {
    const s = stats()
    for (let ms = 1; ms <= 100; ms++) s.recordResponse(0, '/a.html', ms)
    expect(s.health()[0]).toMatchObject({ avgMs: 50.5, p95Ms: 95, attempts: 100, answered: 100 })
  })

  it('listeners hear when a render goes down and when it comes back, not on every request', () => {
    const s = stats()
    const events: boolean[][] = []
    s.onHealthChange((h) => events.push(h.map((r) => r.up)))
    s.recordResponse(0, '/a.html', 5)
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    s.recordConnectFailure(0, '/a.html', 'Connection refused')
    s.recordResponse(0, '/a.html', 5)
    s.recordResponse(0, '/a.html', 5)
    expect(events).toEqual([
      [false, true],
      [true, true]
    ])
  })

  it('a start-up probe marks a render down without counting a request', () => {
    const s = stats()
    s.markReachable(1, false, 'Connection refused')
    expect(s.health()[1]).toMatchObject({ up: false, requests: 0, failures: 0, lastError: 'Connection refused' })
  })

  it('a listener that throws does not break the request that changed the health', () => {
    const s = stats()
    s.onHealthChange(() => {
      throw new Error('closed channel')
    })
    expect(() => s.recordConnectFailure(0, '/a.html', 'Connection refused')).not.toThrow()
  })

  it('after a reload, renders with the same name and address keep what was learnt', () => {
    const old = stats()
    old.recordRequest(1)
    old.recordResponse(1, '/a.html', 40)
    old.recordRequest(0)
    old.recordConnectFailure(0, '/a.html', 'Connection refused')
    const next = new RenderStatistics({
      farm: 'publish',
      renders: [two[0], { label: 'rend02', origin: '127.0.0.1:9999' }],
      categories: htmlAndOthers,
      unavailablePenalty: 1,
      now: fakeClock().now
    })
    next.adopt(old)
    expect(next.health()[0]).toMatchObject({ up: false, requests: 1, attempts: 1, failures: 1, answered: 0 })
    expect(next.health()[1]).toMatchObject({ up: true, requests: 0 })
    expect(next.estimate(0, 0)).toBeCloseTo(100, 6)
  })
})

describe('latency window', () => {
  it('keeps only the newest samples', () => {
    const w = new LatencyWindow(4)
    for (const ms of [100, 100, 100, 100, 1, 2, 3, 4]) w.add(ms)
    expect(w.size).toBe(4)
    expect(w.average()).toBe(2.5)
    expect(w.percentile(95)).toBe(4)
  })

  it('is empty-safe', () => {
    expect(new LatencyWindow().percentile(95)).toBe(0)
    expect(new LatencyWindow().average()).toBe(0)
  })
})
