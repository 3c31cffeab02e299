import { describe, expect, it } from 'vitest'
import type { Farm } from '../../../src/shared/config-model'
import {
  rememberedFarmResults,
  selectFarm,
  selectFarmMemo,
  type FarmRequest
} from '../../../src/main/engine/pipeline/farm'

const FILE = '/virtual/farms.any'
let line = 0

/** Only the fields farm selection reads are meaningful; the rest are the documented defaults. */
function farm(name: string, ...virtualhosts: string[]): Farm {
  const pos = { file: FILE, line: ++line, column: 1 }
  const flag = (value: boolean) => ({ value })
  const num = (value: number) => ({ value })
  return {
    name,
    pos,
    clientheaders: [],
    clientheadersDefaulted: true,
    virtualhosts: virtualhosts.map((value, i) => ({ value, pos: { file: FILE, line: pos.line, column: 20 + i * 10 } })),
    renders: [],
    statistics: [],
    propagateSyndPost: flag(false),
    retryDelay: num(1),
    numberOfRetries: num(5),
    unavailablePenalty: num(1),
    failover: flag(false),
    info: flag(false)
  }
}

const get = (host: string, uri = '/', scheme: FarmRequest['scheme'] = 'http'): FarmRequest => ({ host, uri, scheme })

describe('§12.2 farm selection worked examples', () => {
  const V12 = [farm('A', 'www.mycompany.com'), farm('B', 'www.mycompany.com/products/*')]

  it('V1 Host www.mycompany.com, /products/gloves.html → B (host and URI match, farms walked bottom-up)', () => {
    const r = selectFarm(V12, get('www.mycompany.com', '/products/gloves.html'))
    expect([r.farm, r.index, r.matchedBy]).toEqual(['B', 1, 'host+uri'])
    expect(r.value).toEqual({
      value: 'www.mycompany.com/products/*',
      pos: { file: FILE, line: V12[1].pos.line, column: 20 }
    })
    expect(r.logLine).toBe('Found farm B for www.mycompany.com')
    expect(r.warning).toBeNull()
  })

  it('a farm name defined twice: the reason says which of the two took the request, by where it is written', () => {
    const twice = [farm('publishfarm', 'www.a.com'), farm('publishfarm', '*')]
    expect(selectFarm(twice, get('www.b.com')).reason).toBe(
      `'*' is the first /virtualhosts value (last farm first) that matches the request: farm 'publishfarm' (the one at farms.any:${twice[1].pos.line})`
    )
    const one = [farm('publishfarm', '*')]
    expect(selectFarm(one, get('www.b.com')).reason).toMatch(/farm 'publishfarm'$/)
  })

  it('V2 Host www.mycompany.com, /about.html → A (a value without a URI part matches every URI)', () => {
    const r = selectFarm(V12, get('www.mycompany.com', '/about.html'))
    expect([r.farm, r.matchedBy]).toEqual(['A', 'host+uri'])
    expect(r.checked.map((c) => [c.farm, c.hostMatched, c.uriMatched])).toEqual([
      ['B', true, false],
      ['A', true, null]
    ])
  })

  it("V3 Host other.com matches no value → the last farm B, with the module's warning", () => {
    const r = selectFarm([farm('A', 'www.a.com'), farm('B', 'www.b.com')], get('other.com'))
    expect([r.farm, r.index, r.matchedBy, r.value]).toEqual(['B', 1, 'fallback', null])
    expect(r.warning).toBe("No farm matches host 'other.com', selected last farm 'B'")
    expect(r.logLine).toBeNull()
  })

  it('V3 with the documented reading (fallback "first") → A', () => {
    const r = selectFarm([farm('A', 'www.a.com'), farm('B', 'www.b.com')], get('other.com'), { fallback: 'first' })
    expect([r.farm, r.index]).toEqual(['A', 0])
    expect(r.warning).toBe("No farm matches host 'other.com', selected first farm 'A'")
  })

  it('V4 an HTTPS request goes to secure { "https://*" }, an HTTP one to non-secure { "http://*" }', () => {
    const farms = [farm('secure', 'https://*'), farm('non-secure', 'http://*')]
    expect(selectFarm(farms, get('www.a.com', '/', 'https')).farm).toBe('secure')
    expect(selectFarm(farms, get('www.a.com', '/', 'http')).farm).toBe('non-secure')
  })

  it('V5 two farms that both say "*" (enabled_farms/a.farm, b.farm) → b, the later one', () => {
    const r = selectFarm([farm('a', '*'), farm('b', '*')], get('anything.example'))
    expect([r.farm, r.matchedBy]).toEqual(['b', 'host+uri'])
  })

  it('V6 "www.a.com" does not match Host www.a.com:8080 (the port is part of the value) → fallback', () => {
    const r = selectFarm([farm('A', 'www.a.com')], get('www.a.com:8080'))
    expect([r.farm, r.matchedBy]).toEqual(['A', 'fallback'])
    expect(r.warning).toBe("No farm matches host 'www.a.com:8080', selected last farm 'A'")
    expect(selectFarm([farm('A', 'www.a.com:8080')], get('www.a.com:8080')).matchedBy).toBe('host+uri')
  })
})

describe('/virtualhosts value matching (§3.3)', () => {
  it('host names compare without regard to case', () => {
    expect(selectFarm([farm('x', 'other'), farm('A', 'WWW.A.COM')], get('www.a.com')).farm).toBe('A')
  })

  it('a value without a scheme matches https too (DC: www.mycompany.com/products/*)', () => {
    const r = selectFarm(
      [farm('x', 'x'), farm('P', 'www.mycompany.com/products/*')],
      get('www.mycompany.com', '/products/a.html', 'https')
    )
    expect([r.farm, r.matchedBy]).toEqual(['P', 'host+uri'])
  })

  it('when no value matches host and URI together, the first value whose host matches wins', () => {
    const farms = [farm('A', 'https://www.a.com'), farm('B', 'www.a.com/shop/*')]
    const r = selectFarm(farms, get('www.a.com', '/blog/x.html', 'http'))
    expect([r.farm, r.matchedBy]).toEqual(['B', 'host'])
    expect(r.reason).toBe(
      "no value matches host and URI together; 'www.a.com/shop/*' is the first whose host part matches: farm 'B'"
    )
  })

  it('values are walked top to bottom within a farm, farms bottom-up, and every one is listed', () => {
    const farms = [farm('A', '*'), farm('B', 'x.com', 'y.com', 'z.com')]
    const r = selectFarm(farms, get('y.com'))
    expect(r.value?.value).toBe('y.com')
    expect(r.checked.map((c) => `${c.farm}:${c.value}`)).toEqual(['B:x.com', 'B:y.com', 'B:z.com', 'A:*'])
  })

  it('"[::1]" is a character class that never matches Host [::1]; "[[]::1]" (the warning\'s suggestion) does', () => {
    const farms = [farm('site', '[::1]', '[[]::1]:*')]
    expect([selectFarm(farms, get('[::1]')).matchedBy, selectFarm(farms, get(':')).value?.value]).toEqual([
      'fallback',
      '[::1]'
    ])
    expect(selectFarm(farms, get('[::1]:8080')).value?.value).toBe('[[]::1]:*')
  })

  it('splits a value into scheme, host and URI', () => {
    const r = selectFarm([farm('A', 'HTTPS://shop.*.com/de/*')], get('shop.a.com', '/de/x', 'https'))
    expect(r.checked[0]).toMatchObject({
      scheme: 'https',
      host: 'shop.*.com',
      uri: '/de/*',
      schemeMatched: true,
      hostMatched: true,
      uriMatched: true
    })
  })

  it('the URI part is an anchored glob over path and query', () => {
    const farms = [farm('fallback', 'none'), farm('P', 'www.a.com/products/*')]
    expect(selectFarm(farms, get('www.a.com', '/products/x.html?q=1')).matchedBy).toBe('host+uri')
    expect(selectFarm([farm('P', 'www.a.com/products')], get('www.a.com', '/products/x.html')).matchedBy).toBe('host')
  })

  it('AMS flush farms are chosen by a special Host header: Host flush → the flush farm', () => {
    const farms = [farm('publishfarm', 'www.site.com'), farm('publishflushfarm', 'dispflush', 'flush')]
    expect(selectFarm(farms, get('flush', '/dispatcher/invalidate.cache')).farm).toBe('publishflushfarm')
  })

  it('a farm without /virtualhosts is never matched but can be the fallback', () => {
    const r = selectFarm([farm('A', 'www.a.com'), farm('empty')], get('www.a.com'))
    expect(r.farm).toBe('A')
    expect(selectFarm([farm('A', 'www.a.com'), farm('empty')], get('b.com')).farm).toBe('empty')
  })

  it('no farm at all gives no farm and says so', () => {
    const r = selectFarm([], get('www.a.com'))
    expect([r.farm, r.index, r.matchedBy]).toEqual([null, -1, null])
    expect(r.warning).toBe('No farm is configured')
  })

  it('the result is plain JSON', () => {
    const r = selectFarm([farm('A', 'www.a.com')], get('www.a.com'))
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})

describe('a value the Host header misses only by its port (a browser adds any non-default port)', () => {
  it('names the miss on that value and what would match; the decision stays the fallback', () => {
    const farms = [farm('publishfarm', 'www.example.com'), farm('catchall', 'localhost')]
    const r = selectFarm(farms, get('www.example.com:18080'))
    expect([r.farm, r.matchedBy]).toEqual(['catchall', 'fallback'])
    expect(r.warning).toBe("No farm matches host 'www.example.com:18080', selected last farm 'catchall'")
    expect(r.checked.map((c) => [c.value, c.hostMatched, c.portHint])).toEqual([
      ['localhost', false, undefined],
      [
        'www.example.com',
        false,
        "does not match 'www.example.com:18080': the port is part of the compared host; " +
          "'www.example.com:18080' (this port) or 'www.example.com:*' (any port) would match"
      ]
    ])
    expect(r.portNote).toBe(
      "'www.example.com' (/publishfarm) would match without the port: the port is part of the compared host, " +
        "'www.example.com:*' matches any port"
    )
    expect(r.reason).toBe(
      "no /virtualhosts value matches host 'www.example.com:18080', so the last farm 'catchall' is used; " + r.portNote
    )
  })

  it('the suggested values keep the scheme and URI parts, and the hint holds for globs and IPv6 hosts', () => {
    const r = selectFarm(
      [farm('shop', 'https://*.Example.com/shop/*'), farm('v6', '[[]::1]')],
      get('www.example.com:8443', '/blog', 'https')
    )
    expect(r.checked.find((c) => c.farm === 'shop')?.portHint).toBe(
      "does not match 'www.example.com:8443': the port is part of the compared host; " +
        "'https://*.Example.com:8443/shop/*' (this port) or 'https://*.Example.com:*/shop/*' (any port) would match"
    )
    const v6 = selectFarm([farm('v6', '[[]::1]')], get('[::1]:8080'))
    expect(v6.checked[0].portHint).toContain("'[[]::1]:*' (any port)")
  })

  it('no hint where the port is not why: no port in the header, another host, a value with another port, a match', () => {
    const farms = [farm('A', 'www.a.com'), farm('B', 'www.b.com:80'), farm('C', 'www.c.com*')]
    const hints = (host: string) => selectFarm(farms, get(host)).checked.map((c) => c.portHint)
    expect(hints('www.x.com')).toEqual([undefined, undefined, undefined])
    expect(hints('www.x.com:8080')).toEqual([undefined, undefined, undefined])
    expect(hints('www.b.com:8080')).toEqual([undefined, undefined, undefined])
    const matched = selectFarm(farms, get('www.c.com:8080'))
    expect([matched.farm, matched.matchedBy, matched.portNote]).toEqual(['C', 'host+uri', undefined])
    expect(matched.checked.map((c) => c.portHint)).toEqual([undefined, undefined, undefined])
  })

  it('a value that missed by the port is still named when another value matched (its row says why)', () => {
    const r = selectFarm([farm('site', 'www.a.com'), farm('any', '*')], get('www.a.com:8080'))
    expect([r.farm, r.matchedBy, r.portNote]).toEqual(['any', 'host+uri', undefined])
    expect(r.checked[1].portHint).toMatch(/^does not match 'www.a.com:8080': the port is part/)
  })

  it('a remembered decision keeps the note for the next URI of the same host', () => {
    const farms = [farm('site', 'www.a.com'), farm('other', 'www.b.com')]
    const first = selectFarmMemo(farms, get('www.a.com:8080', '/one.html'))
    const next = selectFarmMemo(farms, get('www.a.com:8080', '/two.html'))
    expect(first.portNote).toMatch(/^'www.a.com' \(\/site\) would match without the port/)
    expect([next.request.uri, next.portNote, next.reason]).toEqual(['/two.html', first.portNote, first.reason])
  })
})

describe('the farm selection memo', () => {
  it('stays bounded when one Host asks for ever new URIs (it was only emptied when a new Host came)', () => {
    const farms = [farm('site', '*')]
    for (let i = 0; i < 10_500; i++) selectFarmMemo(farms, get('www.example.com', `/content/page-${i}.html`))
    expect(rememberedFarmResults(farms)).toBeLessThanOrEqual(10_000)
    // Still the same answers after it started over.
    expect(selectFarmMemo(farms, get('www.example.com', '/content/page-1.html')).farm).toBe('site')
  })
})
