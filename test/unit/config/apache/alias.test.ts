/**
 * mod_alias's redirect directives: how the loader reads their arguments (add_redirect_internal)
 * and what httpd 2.4.71 refuses to start with (each message as `apache2 -t` prints it).
 */
import { describe, expect, it } from 'vitest'
import { aliasMatches } from '../../../../src/main/engine/runtime/alias-redirect'
import { load } from './helpers'

function vhost(body: string): ReturnType<typeof load> {
  return load({ 'httpd.conf': `<VirtualHost *:80>\n  ServerName a\n${body}\n</VirtualHost>\n` })
}

function errors(body: string): string[] {
  // Word counts are the command table's (directive-arity.ts), refused as APACHE_BAD_ARGUMENT.
  return vhost(body)
    .sink.items.filter((d) => d.code === 'APACHE_REDIRECT_SYNTAX' || d.code === 'APACHE_BAD_ARGUMENT')
    .map((d) => d.message)
}

describe('Redirect directives in the model', () => {
  it('status keywords and numbers, URL-path and target, in file order', () => {
    const l = vhost(`  Redirect /a /b
  Redirect permanent /c http://x/c
  Redirect 303 /d /e
  Redirect gone /f
  RedirectMatch 301 ^/g(.*)$ /h$1
  RedirectPermanent /i /j
  RedirectTemp /k http://x/k`)
    expect(l.sink.items.filter((d) => d.severity === 'error')).toEqual([])
    const r = l.config.virtualHosts[0].settings.redirects ?? []
    expect(r.map((x) => [x.directive, x.kind, x.regex, x.status, x.from, x.to])).toEqual([
      ['Redirect', 'list', false, 302, '/a', '/b'],
      ['Redirect', 'list', false, 301, '/c', 'http://x/c'],
      ['Redirect', 'list', false, 303, '/d', '/e'],
      ['Redirect', 'list', false, 410, '/f', undefined],
      ['RedirectMatch', 'list', true, 301, '^/g(.*)$', '/h$1'],
      ['RedirectPermanent', 'list', false, 301, '/i', '/j'],
      ['RedirectTemp', 'list', false, 302, '/k', 'http://x/k']
    ])
  })

  it('inside a section, a lone target (an expression) or `gone` covers every request of the section', () => {
    const l = vhost(
      `  <Location "/x">\n    Redirect permanent "/y%{REQUEST_URI}"\n  </Location>\n  <Location "/z">\n    Redirect gone\n  </Location>`
    )
    const [x, z] = l.config.virtualHosts[0].settings.scopes.map((s) => s.settings.redirects?.[0])
    expect(x).toMatchObject({ kind: 'expr', status: 301, to: '/y%{REQUEST_URI}' })
    expect(z).toMatchObject({ kind: 'expr', status: 410 })
    expect(z?.to).toBeUndefined()
  })
})

describe('what httpd refuses to start with', () => {
  it('as apache2 -t says it', () => {
    expect(errors('  Redirect a b c')).toEqual(['Redirect: invalid first argument (of three)'])
    expect(errors('  Redirect 301 /a')).toEqual(['URL to redirect to is missing'])
    expect(errors('  Redirect /a')).toEqual(['URL to redirect to is missing'])
    expect(errors('  Redirect 301 /a relative')).toEqual(['Redirect to non-URL'])
    expect(errors('  Redirect gone /a http://x')).toEqual(['Redirect URL not valid for this status'])
    expect(errors('  RedirectPermanent /a')).toEqual([
      'RedirectPermanent takes two arguments, a document to be redirected, then the destination URL'
    ])
    expect(errors('  Redirect permanent /a http://x/ extra')).toEqual([
      'Redirect takes one, two or three arguments, an optional status, then document to be redirected and destination URL'
    ])
  })
})

describe('alias_matches', () => {
  it('matches on a segment boundary; any run of slashes matches any run', () => {
    expect(aliasMatches('/old', '/old')).toBe(4)
    expect(aliasMatches('/old/x', '/old')).toBe(4)
    expect(aliasMatches('/oldx', '/old')).toBe(0)
    expect(aliasMatches('//old//x', '/old/')).toBe(7)
    expect(aliasMatches('/old/x', '/old/')).toBe(5)
    expect(aliasMatches('/ol', '/old')).toBe(0)
  })
})
