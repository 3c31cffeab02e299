import { describe, expect, it } from 'vitest'
import {
  absoluteTarget,
  aprPathQuery,
  canonicalRewrittenPath,
  connectTarget,
  normaliseTarget,
  refusedTargetHost,
  splitTarget
} from '../../../src/main/engine/pipeline/normalise-url'

function ok(target: string, slashes?: 'off' | 'on' | 'nodecode') {
  const r = normaliseTarget(target, slashes)
  if (!r.ok) throw new Error(`expected ok for ${target}: ${r.reason}`)
  return r
}

describe('request-target normalisation (dispatcher-behavior.md §3.1)', () => {
  it('decodes escapes of unreserved characters so qu%65ry.js%6Fn is matched as query.json', () => {
    expect(ok('/content/site/en.qu%65ry.js%6Fn').path).toBe('/content/site/en.query.json')
  })
  it('keeps escapes of reserved characters exactly as sent (%0a stays %0a, %2b stays %2b)', () => {
    expect(ok('/a%2bb.html').path).toBe('/a%2bb.html')
    const r = ok('/crx/de/index.jsp;%0aa.css')
    expect(r.path).toBe('/crx/de/index.jsp;%0aa.css')
    expect(r.decodedPath).toBe('/crx/de/index.jsp;\na.css')
  })
  it('resolves dot segments: /content/../libs/foo.jsp becomes /libs/foo.jsp', () => {
    expect(ok('/content/../libs/foo.jsp').path).toBe('/libs/foo.jsp')
  })
  it('resolves encoded dot segments (%2e%2e) like plain ones', () => {
    expect(ok('/content/%2e%2e/libs/foo.jsp').path).toBe('/libs/foo.jsp')
  })
  it('treats ..; as an ordinary segment (the servlet container does not)', () => {
    expect(ok('/content/..;/crx/packmgr/service.jsp').path).toBe('/content/..;/crx/packmgr/service.jsp')
  })
  it('collapses double slashes', () => {
    expect(ok('//content///site//en.html').path).toBe('/content/site/en.html')
  })
  it('refuses as httpd does, which normalises before it unescapes and reads every escape first', () => {
    // A climb above the root (400) wins over a NUL or an encoded slash (404).
    expect(normaliseTarget('/../a%00')).toMatchObject({ ok: false, status: 400, uri: '/a%00' })
    expect(normaliseTarget('/../a%2Fb')).toMatchObject({ ok: false, status: 400, uri: '/a%2Fb' })
    // A malformed escape anywhere (400) wins over a NUL or an encoded slash before it (404).
    expect(normaliseTarget('/a%2Fb%zz')).toMatchObject({ ok: false, status: 400, uri: '/a%2Fb%zz' })
    expect(normaliseTarget('/a%00%zz')).toMatchObject({ ok: false, status: 400, uri: '/a%00%zz' })
    // A NUL or a slash only: r->uri decoded, up to the NUL.
    expect(normaliseTarget('/a%2F%00')).toMatchObject({ ok: false, status: 404, uri: '/a/' })
    expect(normaliseTarget('/a%00.txt?q')).toMatchObject({ ok: false, status: 404, uri: '/a', query: 'q' })
    expect(normaliseTarget('/a%2F%00', 'nodecode')).toMatchObject({ ok: false, status: 404, uri: '/a%2F' })
    // A climb: r->uri as ap_normalize_path left it, the `..` dropped, unreserved escapes decoded.
    expect(normaliseTarget('/x/../../a%41.txt?q=1')).toMatchObject({ status: 400, uri: '/aA.txt', query: 'q=1' })
    // A fragment: the path and query apr_uri_parse read.
    expect(normaliseTarget('/a.txt?x=1#f')).toMatchObject({
      status: 400,
      requestLine: true,
      uri: '/a.txt',
      query: 'x=1'
    })
  })
  it('answers 400 for a path that climbs above the root', () => {
    expect(normaliseTarget('/../etc/passwd')).toMatchObject({ ok: false, status: 400 })
  })
  it('answers 400 for a malformed escape, like ap_unescape_url', () => {
    expect(normaliseTarget('/content/%zz.html')).toMatchObject({ ok: false, status: 400 })
    expect(normaliseTarget('/content/%4')).toMatchObject({ ok: false, status: 400 })
  })
  it('answers 404 for an encoded NUL byte', () => {
    expect(normaliseTarget('/content/a%00.html')).toMatchObject({ ok: false, status: 404 })
  })
  it('answers 404 for an encoded slash unless AllowEncodedSlashes allows it', () => {
    expect(normaliseTarget('/a%2Fb.html')).toMatchObject({ ok: false, status: 404 })
    expect(ok('/a%2Fb.html', 'nodecode').path).toBe('/a%2Fb.html')
    expect(ok('/a%2fb.html', 'on').path).toBe('/a/b.html')
  })
  it('splits the query at the first ? and keeps it untouched; null when there is none', () => {
    expect(ok('/p.html?a=%41&b=..').query).toBe('a=%41&b=..')
    expect(ok('/p.html').query).toBeNull()
    expect(ok('/p.html?').query).toBe('')
  })
  it('accepts absolute-form targets; a fragment is 400, as httpd 2.4.71 answers', () => {
    expect(ok('http://example.com/p.html?x=1')).toMatchObject({ path: '/p.html', query: 'x=1' })
    expect(normaliseTarget('http://example.com/p.html?x=1#frag')).toMatchObject({ ok: false, status: 400 })
    expect(normaliseTarget('/p.html#frag')).toMatchObject({ ok: false, status: 400 })
  })
  it('rejects a target that is neither a path nor an absolute URL with 400', () => {
    expect(normaliseTarget('content/p.html')).toMatchObject({ ok: false, status: 400 })
  })
})

describe('canonicalRewrittenPath: a [PT] result as the Dispatcher goes on with it (§3.1)', () => {
  it('collapses the double slash a rewrite leaves ("/content/demo/$1" with $1 = "/us/en.html")', () => {
    expect(canonicalRewrittenPath('/content/demo//us/en.html', 'off')).toEqual({
      path: '/content/demo/us/en.html',
      decodedPath: '/content/demo/us/en.html'
    })
  })
  it('escapes again what r->uri holds decoded and a request target cannot (a space), keeping sub-delims such as +', () => {
    expect(canonicalRewrittenPath('/content/a+b c.html', 'off')).toEqual({
      path: '/content/a+b%20c.html',
      decodedPath: '/content/a+b c.html'
    })
  })
  it('escapes %, ? and # so they stay part of the path, and each non-ASCII byte (r->uri holds bytes)', () => {
    // `é` as httpd holds it, decoded from %C3%A9 or written in a UTF-8 configuration: two bytes.
    expect(canonicalRewrittenPath('/content/100%?#\u00c3\u00a9.html', 'off')?.path).toBe(
      '/content/100%25%3F%23%C3%A9.html'
    )
  })
  it('escapes a character outside the BMP as its four UTF-8 bytes', () => {
    expect(canonicalRewrittenPath('/content/\u{1F600}.html', 'off')?.path).toBe('/content/%F0%9F%98%80.html')
  })
  it('escapes a lone surrogate as the replacement character instead of failing', () => {
    expect(canonicalRewrittenPath('/content/\uD800.html', 'off')?.path).toBe('/content/%EF%BF%BD.html')
  })
  it('resolves dot segments; a result above the root is null', () => {
    expect(canonicalRewrittenPath('/content/x/../y.html', 'off')?.path).toBe('/content/y.html')
    expect(canonicalRewrittenPath('/../y.html', 'off')).toBeNull()
  })
  it('with AllowEncodedSlashes NoDecode, keeps a %2F that r->uri still holds', () => {
    expect(canonicalRewrittenPath('/content/a%2Fb.html', 'nodecode')?.path).toBe('/content/a%2Fb.html')
  })
})

describe('absoluteTarget: an absolute-form target as httpd reads it', () => {
  it('takes the virtual host from an http URL, lower-cased, and its port text as written', () => {
    const of = (name: string, port: string | null) => ({ name, port })
    expect(absoluteTarget('http://WWW.Example.com/a?b')).toEqual({
      rest: '/a?b',
      authority: of('www.example.com', null)
    })
    expect(absoluteTarget('HTTP://h:8080')).toEqual({ rest: '', authority: of('h', '8080') })
    expect(absoluteTarget('http://[::1]:80/x')).toEqual({ rest: '/x', authority: of('[::1]', '80') })
    expect(absoluteTarget('http://h:/x')).toEqual({ rest: '/x', authority: of('h', '') })
    // apr_uri_parse reads an empty host name too: r->hostname is then empty.
    expect(absoluteTarget('http:///x')).toEqual({ rest: '/x', authority: of('', null) })
    expect(absoluteTarget('http://:80/x')).toEqual({ rest: '/x', authority: of('', '80') })
  })

  it('reads https URLs without taking their host (the listener speaks http)', () => {
    expect(absoluteTarget('https://h/x')).toEqual({ rest: '/x' })
    expect(absoluteTarget('http:/x')).toEqual({ rest: '/x' })
  })

  it('refuses other schemes, user information and ports that are not numbers', () => {
    for (const t of ['ftp://h/x', 'ws://h/x', 'http://u@h/x', 'http://u:p@h/x', 'http://h:abc/x', 'localhost:80'])
      expect(absoluteTarget(t), t).toBeNull()
  })

  it('makes splitTarget refuse what httpd refuses and read what it reads', () => {
    expect(splitTarget('http://h?q=1')).toEqual({ path: '/', query: 'q=1' })
    expect(splitTarget('http:/a/b')).toEqual({ path: '/a/b', query: null })
    expect(splitTarget('http:a/b')).toBeNull()
    expect(splitTarget('ftp://h/a')).toBeNull()
  })
})

describe("connectTarget: a CONNECT's host:port as apr_uri_parse_hostinfo reads it", () => {
  it('takes a host (lower-cased, an IPv6 literal in brackets, or none) and a port of digits', () => {
    expect(connectTarget('WWW.Example.com:443')).toEqual({ host: 'www.example.com:443', hostname: 'www.example.com' })
    expect(connectTarget('[::1]:80')).toEqual({ host: '[::1]:80', hostname: '[::1]' })
    expect(connectTarget(':443')).toEqual({ host: ':443', hostname: '' })
  })

  it('refuses a target without a port, with a port that is not a number, or with a path', () => {
    for (const t of [
      'example.com',
      'example.com:',
      'example.com:abc',
      'example.com:443/x',
      '[::1]',
      '/a',
      'http://h:1'
    ])
      expect(connectTarget(t), t).toBeNull()
  })
})

describe('splitTarget: a query with no path before it', () => {
  it('is a query on / (apr_uri_parse leaves an empty path unset, and httpd then takes /)', () => {
    expect(splitTarget('?a=b')).toEqual({ path: '/', query: 'a=b' })
    expect(splitTarget('?')).toEqual({ path: '/', query: '' })
  })

  it('with AllowEncodedSlashes On, normalises with %2F encoded first, then decoded again dropping a .. above the root', () => {
    const n = normaliseTarget('/dir/..%2F..%2Fa.txt', 'on')
    expect(n.ok && n.path).toBe('/a.txt')
    expect(n.ok && n.decodedPath).toBe('/a.txt')
    // Slashes decoding makes are merged in the second pass too (unless MergeSlashes Off).
    const merged = normaliseTarget('/dir%2F%2Fb.txt', 'on')
    expect(merged.ok && merged.path).toBe('/dir/b.txt')
    expect(merged.ok && merged.decodedPath).toBe('/dir/b.txt')
    const kept = normaliseTarget('/dir%2F%2Fb.txt', 'on', false)
    expect(kept.ok && kept.decodedPath).toBe('/dir//b.txt')
    // The Dispatcher's own path is collapsed all the same.
    expect(kept.ok && kept.path).toBe('/dir/b.txt')
    // The trace shows %2F, not the placeholder it waits in.
    const steps = normaliseTarget('/dir//x%2Fb%41.txt', 'on')
    expect(steps.ok && steps.steps.join(' ')).not.toMatch(/\u0100/)
    expect(steps.ok && steps.steps[0]).toBe("decoded unreserved escapes: '/dir//x%2Fb%41.txt' → '/dir//x%2FbA.txt'")
    // A .. above the root before decoding is still refused.
    expect(normaliseTarget('/dir/../../a.txt', 'on').ok).toBe(false)
  })

  it('with MergeSlashes Off, keeps runs of slashes in r->uri (.. removes the empty segment) and collapses them for the Dispatcher', () => {
    const n = normaliseTarget('/dir//x/../b.txt', 'off', false)
    expect(n.ok && n.decodedPath).toBe('/dir//b.txt')
    expect(n.ok && n.path).toBe('/dir/b.txt')
    const up = normaliseTarget('/dir/sub//../../a.txt', 'off', false)
    expect(up.ok && up.decodedPath).toBe('/dir/a.txt')
  })
})

describe('refusedTargetHost: r->hostname as ap_parse_uri leaves it for a refused head', () => {
  it('keeps the host as written, drops user information, splits off the port text', () => {
    expect(refusedTargetHost('HTTP://WWW.A.com:8080/x')).toEqual({ name: 'WWW.A.com', port: '8080' })
    expect(refusedTargetHost('http://u:p@www.a.com./x')).toEqual({ name: 'www.a.com.', port: null })
    expect(refusedTargetHost('http://www.a.com:/x')).toEqual({ name: 'www.a.com', port: '' })
    expect(refusedTargetHost('http://[::1]:81/x')).toEqual({ name: '[::1]', port: '81' })
    expect(refusedTargetHost('http://[::1]?q')).toEqual({ name: '[::1]', port: null })
  })
  it('names no host for another scheme, an origin-form target, or a port apr_uri_parse refuses', () => {
    expect(refusedTargetHost('https://www.a.com/x')).toBeNull()
    expect(refusedTargetHost('/x')).toBeNull()
    expect(refusedTargetHost('http:/x')).toBeNull()
    expect(refusedTargetHost('http://www.a.com:abc/x')).toBeNull()
  })
})

describe('aprPathQuery: r->uri and r->args of a target httpd refuses', () => {
  it('drops a scheme and an authority, and the fragment; no path is /; a bad port keeps it all', () => {
    expect(aprPathQuery('mailto:x')).toEqual({ path: 'x', query: null })
    expect(aprPathQuery('foo?a#b')).toEqual({ path: 'foo', query: 'a' })
    expect(aprPathQuery('http://u@h:81/a.txt?q')).toEqual({ path: '/a.txt', query: 'q' })
    expect(aprPathQuery('www.a.com:443')).toEqual({ path: '443', query: null })
    expect(aprPathQuery('ftp://h')).toEqual({ path: '/', query: null })
    expect(aprPathQuery('http://[::1]:81/x')).toEqual({ path: '/x', query: null })
    expect(aprPathQuery('ftp://u@x:abc/a?q')).toEqual({ path: 'ftp://u@x:abc/a?q', query: null })
  })
})
