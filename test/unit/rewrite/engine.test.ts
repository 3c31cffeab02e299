import { describe, expect, it } from 'vitest'
import type { ApacheRequest } from '../../../src/main/engine/apache-expr'
import { applyRewrites, compileRewriteRules, type RewriteContext } from '../../../src/main/engine/pipeline/rewrite'
import { request } from '../apache-expr/fixtures'
import { context, fsWith, parseRewriteLines } from './fixtures'

function run(text: string, req: Partial<ApacheRequest> = {}, ctx: Partial<RewriteContext> = {}) {
  const { rules, maps } = parseRewriteLines(text)
  const compiled = compileRewriteRules(rules, maps)
  return { ...applyRewrites(compiled, request(req), context(ctx)), problems: compiled.problems }
}

describe('mod_rewrite rule list', () => {
  it('[PT] changes the URL the Dispatcher sees (r->uri); without it only r->filename changes', () => {
    const pt = run('RewriteRule ^/(.*)$ /content/wknd/$1 [PT,L]', { uri: '/us/en.html' })
    expect(pt).toMatchObject({ action: 'passthrough', uri: '/content/wknd/us/en.html', passThrough: true })
    const plain = run('RewriteRule ^/(.*)$ /content/wknd/$1 [L]', { uri: '/us/en.html' })
    expect(plain).toMatchObject({
      action: 'rewrite',
      uri: '/us/en.html',
      filename: '/mnt/var/www/html/content/wknd/us/en.html'
    })
  })

  it('a relative result gets a leading slash ("add root prefix"), [PT] or not', () => {
    expect(run('RewriteRule ^/(.*)$ $1 [PT]', { uri: '/x' })).toMatchObject({ action: 'passthrough', uri: '/x' })
    expect(run('RewriteRule ^/(.*)$ $1', { uri: '/x' })).toMatchObject({
      action: 'rewrite',
      filename: '/mnt/var/www/html/x'
    })
  })

  it('a local result whose first segment exists on disk is not prefixed with the document root', () => {
    const r = run('RewriteRule ^/x$ /etc/motd', { uri: '/x' })
    expect(r.filename).toBe('/etc/motd')
  })

  it('since 2.4.60 a result whose existing first segment the substitution does not spell is put under the document root', () => {
    const r = run('RewriteRule ^/(.*)$ /$1', { uri: '/etc/passwd' })
    expect(r.filename).toBe('/mnt/var/www/html/etc/passwd')
    // '/e$1' does not begin with '/etc' either (apache2 2.4.71 prefixes it too).
    expect(run('RewriteRule ^/x/(.*)$ /e$1', { uri: '/x/tc/passwd' }).filename).toBe('/mnt/var/www/html/etc/passwd')
    expect(run('RewriteRule ^/(.*)$ /$1 [UnsafePrefixStat]', { uri: '/etc/passwd' }).filename).toBe('/etc/passwd')
  })

  it('a result under the document root stays as it is, however the substitution begins (%{DOCUMENT_ROOT}/…)', () => {
    const r = run('RewriteRule ^/d/(.*)$ %{DOCUMENT_ROOT}/content/$1 [L]', { uri: '/d/a.html' })
    expect(r.filename).toBe('/mnt/var/www/html/content/a.html')
    const cond = run(['RewriteCond %{QUERY_STRING} ^f=(.*)$', 'RewriteRule ^/q$ %1'].join('\n'), {
      uri: '/q',
      query: 'f=/mnt/var/www/html/b.html'
    })
    expect(cond.filename).toBe('/mnt/var/www/html/b.html')
    const outside = run(['RewriteCond %{QUERY_STRING} ^f=(.*)$', 'RewriteRule ^/q$ %1'].join('\n'), {
      uri: '/q',
      query: 'f=/etc/passwd'
    })
    expect(outside.filename).toBe('/mnt/var/www/html/etc/passwd')
  })

  it('without [L] later rules see the rewritten URL', () => {
    const r = run(['RewriteRule ^/a$ /b', 'RewriteRule ^/b$ /c [PT]'].join('\n'), { uri: '/a' })
    expect(r.uri).toBe('/c')
    expect(r.trace.rules.map((x) => x.verdict)).toEqual(['applied', 'applied'])
  })

  it('[L] stops the list', () => {
    const r = run(['RewriteRule ^/a$ /b [L]', 'RewriteRule ^/b$ /c [PT]'].join('\n'), { uri: '/a' })
    expect(r.trace.rules).toHaveLength(1)
    expect(r.trace.stoppedBy).toBe('last')
  })

  it('"-" keeps the URL; [E=var:value] sets and [E=!var] unsets the environment', () => {
    const r = run('RewriteRule ^ - [E=seen:%{REQUEST_METHOD},E=!old,E=flag]', {}, { env: { old: 'x' } })
    expect(r.action).toBe('none')
    expect(r.env).toEqual({ seen: 'GET', flag: '' })
  })

  it('$N are the rule captures, %N those of the last matched condition', () => {
    const r = run(
      [
        'RewriteCond %{HTTP_HOST} ^(www)\\.(.+)$',
        'RewriteCond %{QUERY_STRING} ^lang=(..)$',
        'RewriteRule ^/(.*)$ /%1/$1/%2 [PT]'
      ].join('\n'),
      { uri: '/page', query: 'lang=de', headers: { host: 'www.example.com' } }
    )
    expect(r.uri).toBe('/de/page/')
    expect(r.trace.rules[0].conds.map((c) => c.captures)).toEqual([
      ['www.example.com', 'www', 'example.com'],
      ['lang=de', 'de']
    ])
  })

  it('a "?" in the substitution replaces the query string; [QSA] appends the old one; [QSD] drops it', () => {
    expect(run('RewriteRule ^/a$ /b?x=1 [PT]', { uri: '/a', query: 'y=2' })).toMatchObject({ uri: '/b', query: 'x=1' })
    expect(run('RewriteRule ^/a$ /b?x=1 [PT,QSA]', { uri: '/a', query: 'y=2' })).toMatchObject({ query: 'x=1&y=2' })
    expect(run('RewriteRule ^/a$ /b [PT,QSD]', { uri: '/a', query: 'y=2' })).toMatchObject({ uri: '/b', query: '' })
    expect(run('RewriteRule ^/a$ /b? [PT]', { uri: '/a', query: 'y=2' })).toMatchObject({ query: '' })
    expect(run('RewriteRule ^/a$ /b [PT]', { uri: '/a', query: 'y=2' })).toMatchObject({ query: 'y=2' })
  })

  it('[QSL] splits at the last "?"', () => {
    expect(run('RewriteRule ^/a$ /b?c?d=1 [PT,QSL]', { uri: '/a' })).toMatchObject({ uri: '/b?c', query: 'd=1' })
  })

  it('[R=301] with a local path redirects to this server, escaped; the query is kept', () => {
    const r = run('RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]', { uri: '/old/a b', query: 'q=1' })
    expect(r).toMatchObject({ action: 'redirect', status: 301, location: 'http://publish.example.com/new/a%20b?q=1' })
  })

  it('[NE] keeps the redirect target unescaped; a literal "%" must be written "\\%"', () => {
    const r = run('RewriteRule ^/old/(.*)$ /new/$1\\%20x [R,NE]', { uri: '/old/a' })
    expect(r).toMatchObject({ status: 302, location: 'http://publish.example.com/new/a%20x' })
    // Without the backslash "%2" is the second condition capture (empty here), then "0x".
    expect(run('RewriteRule ^/old/(.*)$ /new/$1%20x [R,NE]', { uri: '/old/a' }).location).toBe(
      'http://publish.example.com/new/a0x'
    )
    expect(run('RewriteRule ^/old/(.*)$ /new/$1\\%20x [R]', { uri: '/old/a' }).location).toBe(
      'http://publish.example.com/new/a%2520x'
    )
  })

  it('a redirect from a non-default port names the port', () => {
    const r = run('RewriteRule ^/$ /home.html [R=302]', { uri: '/', serverPort: 8080 })
    expect(r.location).toBe('http://publish.example.com:8080/home.html')
  })

  it('an absolute URL naming this server without [R] is reduced to its path', () => {
    const r = run('RewriteRule ^/a$ http://publish.example.com/b [PT]', { uri: '/a' })
    expect(r).toMatchObject({ action: 'passthrough', uri: '/b' })
  })

  it('an absolute URL naming another server is a redirect even without [R] (302)', () => {
    expect(run('RewriteRule ^/a$ https://elsewhere.example/b', { uri: '/a' })).toMatchObject({
      action: 'redirect',
      status: 302,
      location: 'https://elsewhere.example/b'
    })
  })

  it('[R] without [L] does not stop: later rules see the absolute URL', () => {
    const r = run(['RewriteRule ^/a$ /b [R]', 'RewriteRule ^http://publish\\.example\\.com/b$ /c'].join('\n'), {
      uri: '/a'
    })
    expect(r.trace.rules.map((x) => x.verdict)).toEqual(['applied', 'applied'])
    expect(r.action).toBe('rewrite')
  })

  it('[F] answers 403 and [G] 410 at once, whatever the substitution', () => {
    expect(run(['RewriteRule ^/x /y [F]', 'RewriteRule ^ /z [PT]'].join('\n'), { uri: '/x' })).toMatchObject({
      action: 'status',
      status: 403
    })
    expect(run('RewriteRule ^/x - [G]', { uri: '/x' })).toMatchObject({ status: 410 })
  })

  it('[R=4xx/5xx] answers that status and ignores the substitution', () => {
    const r = run('RewriteRule ^/* /error.html [R=503,L,NC]', { uri: '/anything' })
    expect(r).toMatchObject({ action: 'status', status: 503 })
    expect(r.trace.rules[0].expanded).toBeUndefined()
  })

  it('[C] skips the rest of the chain when a chained rule does not match', () => {
    const r = run(
      ['RewriteRule ^/a /b [C]', 'RewriteRule ^/b /c [C]', 'RewriteRule ^/c /d', 'RewriteRule ^/x /y [PT]'].join('\n'),
      {
        uri: '/x'
      }
    )
    expect(r.trace.rules.map((x) => x.verdict)).toEqual(['no-match', 'chain-skipped', 'chain-skipped', 'applied'])
    expect(r.uri).toBe('/y')
  })

  it('[S=n] skips the next n rules when the rule matches', () => {
    const r = run(
      [
        'RewriteRule ^/a - [S=2]',
        'RewriteRule ^ /one [PT]',
        'RewriteRule ^ /two [PT]',
        'RewriteRule ^ /three [PT]'
      ].join('\n'),
      {
        uri: '/a'
      }
    )
    expect(r.uri).toBe('/three')
    expect(r.trace.rules.map((x) => x.verdict)).toEqual(['applied', 'skip-flag', 'skip-flag', 'applied'])
  })

  it('[N] restarts from the first rule and is bounded: past the limit the answer is 500', () => {
    const ok = run('RewriteRule ^/(.*)_(.*)$ /$1-$2 [N]', { uri: '/a_b_c' })
    expect(ok.filename).toBe('/mnt/var/www/html/a-b-c')
    expect(ok.trace.rounds).toBe(3)
    const loop = run('RewriteRule ^/(.*)$ /$1 [N=5]', { uri: '/x' })
    expect(loop).toMatchObject({ action: 'status', status: 500 })
    expect(loop.trace.stoppedBy).toBe('next-limit')
  })

  it('an [N] loop to the limit keeps its trace bounded: the first rounds and the last, the rounds between counted, and says why it answered 500', () => {
    const text = ['RewriteRule ^/skip - [L]', 'RewriteRule ^/loop(.*)$ /loop$1 [N]'].join('\n')
    const loop = run(text, { uri: '/loop/a' })
    expect(loop).toMatchObject({ action: 'status', status: 500 })
    expect(loop.trace.rounds).toBe(9999)
    // httpd stops when the next round would be the 10,000th. Rounds 1-3 and the last (two rules
    // each) are listed: not 20,000 rows a browser would have to draw.
    expect(loop.trace.rules.map((r) => r.round)).toEqual([1, 1, 2, 2, 3, 3, 9999, 9999])
    expect(loop.trace.omittedRounds).toEqual({ from: 4, to: 9998 })
    expect(loop.trace.log.length).toBeLessThan(40)
    expect(loop.trace.log).toContain('rounds 4 to 9998 not listed (the trace keeps the first 3 and the last)')
    expect(loop.trace.summary).toBe(
      "answered 500 by rule 2 (test.rules:2): RewriteRule '^/loop(.*)$' and URI '/loop/a' exceeded maximum number of rounds (10000) via the [N] flag"
    )
    const growing = run('RewriteRule ^/(.*)$ /$1$1 [N]', { uri: '/ab' })
    expect(growing).toMatchObject({ action: 'status', status: 500 })
    expect(growing.trace.summary).toBe(
      "answered 500 by rule 1 (test.rules:1): RewriteRule '^/(.*)$' and URI '/ab' exceeded maximum length (16380)"
    )
  })

  it('[NC] matches the pattern caselessly', () => {
    expect(run('RewriteRule ^/WP-Login - [F,NC]', { uri: '/wp-login.php' }).status).toBe(403)
    expect(run('RewriteRule ^/WP-Login - [F]', { uri: '/wp-login.php' }).action).toBe('none')
  })

  it('a negated pattern matches when the regex does not, and sets no captures', () => {
    const r = run('RewriteRule !^/content /content/site$0 [PT]', { uri: '/us' })
    expect(r.uri).toBe('/content/site')
  })

  it('[P] proxies to the substitution with the query string', () => {
    const r = run('RewriteRule ^/api/(.*)$ http://backend:8080/$1 [P]', { uri: '/api/x', query: 'a=1' })
    expect(r).toMatchObject({ action: 'proxy', proxyTo: 'http://backend:8080/x?a=1', proxyNoCanon: false })
  })

  it('[B] escapes back-references before they are substituted', () => {
    const r = run('RewriteRule ^/s/(.*)$ /search?q=$1 [B,PT]', { uri: '/s/a b&c' })
    expect(r).toMatchObject({ uri: '/search', query: 'q=a+b%26c' })
  })

  it('[CO] adds a Set-Cookie, [T] forces a content type', () => {
    const r = run('RewriteRule ^/a$ /b [CO=lang:de:.example.com:60:/:secure,T=text/plain]', { uri: '/a' })
    expect(r.cookies).toEqual(['lang=de; path=/; domain=.example.com; expires=Wed, 15-Jan-2025 11:20:30 GMT; secure'])
    expect(r.forcedType).toBe('text/plain')
  })

  it('a "?" that came out of a back-reference of a request with %3f is refused with 403 (UnsafeAllow3F)', () => {
    const req = { uri: '/a?b', theRequest: 'GET /a%3fb HTTP/1.1' }
    const r = run('RewriteRule ^/(.*)$ /x/$1 [PT]', req)
    expect(r).toMatchObject({ action: 'status', status: 403 })
    expect(r.trace.stoppedBy).toBe('unsafe-3f')
    expect(run('RewriteRule ^/(.*)$ /x/$1 [PT,UnsafeAllow3F]', req)).toMatchObject({ uri: '/x/a', query: 'b' })
    expect(run('RewriteRule ^/(.*)$ /x?p=$1 [PT]', req)).toMatchObject({ uri: '/x', query: 'p=a?b' })
  })

  it('RewriteEngine off evaluates nothing', () => {
    const r = run('RewriteRule ^ - [F]', {}, { engineOff: true })
    expect(r.action).toBe('none')
    expect(r.trace).toMatchObject({ stoppedBy: 'engine-off', rules: [] })
  })

  it("the trace keeps mod_rewrite's own log lines", () => {
    const r = run('RewriteRule ^/(.*)$ /c/$1 [PT]', { uri: '/x' })
    expect(r.trace.log).toEqual([
      'init rewrite engine with requested uri /x',
      "applying pattern '^/(.*)$' to uri '/x'",
      "rewrite '/x' -> '/c/x'",
      "forcing '/c/x' to get passed through to next API URI-to-filename handler"
    ])
  })
})

describe('RewriteCond', () => {
  it('[OR] conditions hold when any of them does; later ones are not evaluated', () => {
    const text = ['RewriteCond %{HTTP_HOST} ^a$ [OR]', 'RewriteCond %{HTTP_HOST} ^b$', 'RewriteRule ^ - [F]'].join('\n')
    expect(run(text, { headers: { host: 'a' } }).status).toBe(403)
    expect(run(text, { headers: { host: 'b' } }).status).toBe(403)
    expect(run(text, { headers: { host: 'c' } }).action).toBe('none')
    expect(run(text, { headers: { host: 'a' } }).trace.rules[0].conds[1].skipped).toBe('or-satisfied')
  })

  it('a last condition with [OR] that fails still lets the rule apply (mod_rewrite quirk)', () => {
    expect(run(['RewriteCond %{HTTP_HOST} ^zzz$ [OR]', 'RewriteRule ^ - [F]'].join('\n')).status).toBe(403)
  })

  it('file tests use the probe: -f file, -d directory, -s non-empty file', () => {
    const fs = fsWith({
      '/mnt/var/www/html/index.html': 10,
      '/mnt/var/www/html/empty.html': 0,
      '/mnt/var/www/html/dir': 'dir'
    })
    const t = (cond: string, uri: string) =>
      run([`RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} ${cond}`, 'RewriteRule ^ - [F]'].join('\n'), { uri }, { fs })
        .status
    expect(t('-f', '/index.html')).toBe(403)
    expect(t('-f', '/dir')).toBeUndefined()
    expect(t('-d', '/dir')).toBe(403)
    expect(t('-s', '/empty.html')).toBeUndefined()
    expect(t('!-f', '/missing.html')).toBe(403)
  })

  it('"=" compares strings, and ="" means the empty string', () => {
    const t = (cond: string) => run([cond, 'RewriteRule ^ - [F]'].join('\n'), { query: '' }).status
    expect(t('RewriteCond %{QUERY_STRING} =""')).toBe(403)
    expect(t('RewriteCond %{REQUEST_METHOD} =get [NC]')).toBe(403)
    expect(t('RewriteCond %{REQUEST_METHOD} =get')).toBeUndefined()
  })

  it('"<" and ">" compare length first (compare_lexicography), "-lt" compares integers', () => {
    const t = (cond: string, query: string) => run([cond, 'RewriteRule ^ - [F]'].join('\n'), { query }).status
    expect(t('RewriteCond %{QUERY_STRING} >b', 'aa')).toBe(403)
    expect(t('RewriteCond %{QUERY_STRING} -lt10', '9')).toBe(403)
    expect(t('RewriteCond %{QUERY_STRING} -ge10', '9')).toBeUndefined()
    expect(t('RewriteCond %{QUERY_STRING} -ne5', '5')).toBeUndefined()
  })

  it('integer conditions read C atoi: beyond 32 bits the low 32 bits count, beyond 64 bits it reads -1', () => {
    const t = (cond: string, query: string) => run([cond, 'RewriteRule ^ - [F]'].join('\n'), { query }).status
    // 99999999999 is 1215752191 as an int; 99999999999999999999 saturates to LONG_MAX, then -1.
    expect(t('RewriteCond %{QUERY_STRING} -gt10', '99999999999')).toBe(403)
    expect(t('RewriteCond %{QUERY_STRING} -eq1215752191', '99999999999')).toBe(403)
    expect(t('RewriteCond %{QUERY_STRING} -gt10', '99999999999999999999')).toBeUndefined()
    expect(t('RewriteCond %{QUERY_STRING} -eq-1', '99999999999999999999')).toBe(403)
  })

  it('an expr condition is ap_expr, and its regex captures become %N', () => {
    const r = run(
      ['RewriteCond expr "%{HTTP_HOST} =~ /^(.+)\\.example\\.com$/"', 'RewriteRule ^/(.*)$ /%1/$1 [PT]'].join('\n'),
      {
        uri: '/p',
        headers: { host: 'de.example.com' }
      }
    )
    expect(r.uri).toBe('/de/p')
    expect(r.trace.rules[0].conds[0]).toMatchObject({ kind: 'expr', expr: { result: true } })
  })

  it('request headers tested by a matching rule end up in Vary (not Host; not with [NV])', () => {
    const text = [
      'RewriteCond %{HTTP_USER_AGENT} bot',
      'RewriteCond %{HTTP:Accept-Language} ^de [NV]',
      'RewriteCond %{HTTP_HOST} .',
      'RewriteRule ^ - [E=x]'
    ].join('\n')
    const r = run(text, { headers: { host: 'h', 'user-agent': 'googlebot', 'accept-language': 'de-DE' } })
    expect(r.vary).toEqual(['User-Agent'])
  })

  it('an unknown variable expands to "" and is reported', () => {
    const r = run(['RewriteCond %{NO_SUCH_THING} ^$', 'RewriteRule ^ - [F]'].join('\n'))
    expect(r.status).toBe(403)
    expect(r.problems.map((p) => p.code)).toContain('REWRITE_UNKNOWN_VARIABLE')
    expect(r.trace.rules[0].note).toContain('%{NO_SUCH_THING}')
  })
})

describe('compile problems', () => {
  it('a regex PCRE cannot compile makes the rule invalid, reported and never applied', () => {
    const r = run(['RewriteRule ^/(a - [F]', 'RewriteRule ^ - [E=ok]'].join('\n'))
    expect(r.problems).toMatchObject([{ severity: 'error', code: 'REWRITE_BAD_REGEX' }])
    expect(r.trace.rules[0]).toMatchObject({ verdict: 'invalid', note: expect.stringContaining('cannot compile') })
    expect(r.env).toEqual({ ok: '' })
  })

  it('an unknown flag is an error, as Apache refuses to start', () => {
    const r = run('RewriteRule ^ - [F,XYZ]')
    expect(r.problems).toMatchObject([{ code: 'REWRITE_BAD_FLAG', message: "RewriteRule: unknown flag 'XYZ'" }])
    expect(r.action).toBe('none')
  })

  it('[R=999] is refused like Apache refuses it', () => {
    expect(run('RewriteRule ^ - [R=999]').problems[0].message).toContain("invalid HTTP response code '999'")
  })

  it('a condition that needs a sub-request (-U) is unsupported, reported, and the rule is not applied', () => {
    const r = run(['RewriteCond %{REQUEST_URI} -U', 'RewriteRule ^ - [F]'].join('\n'))
    expect(r.problems).toMatchObject([{ severity: 'warning', code: 'REWRITE_UNSUPPORTED' }])
    expect(r.action).toBe('none')
    expect(r.trace.rules[0].verdict).toBe('invalid')
  })
})
