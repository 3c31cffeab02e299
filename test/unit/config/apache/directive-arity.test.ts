/**
 * Word counts and keywords httpd's command table asks of each directive (directive-arity.ts),
 * refused with `apache2 -t`'s own words (2.4.68) at the line it names.
 */
import { describe, expect, it } from 'vitest'
import { load } from './helpers'

/** The errors of a configuration, as `line: message`. */
function errors(conf: string): string[] {
  return load({ 'httpd.conf': conf })
    .sink.items.filter((d) => d.severity === 'error')
    .map((d) => `${d.pos?.line}: ${d.message}`)
}

describe('argument counts', () => {
  it('a trailing "# comment" is more words for a one-argument directive', () => {
    expect(errors('ServerName publish.example.com # the public name')).toEqual([
      '1: ServerName takes one argument, The hostname and port of the server'
    ])
    expect(errors('Timeout 60 # seconds\nLimitRequestLine 8190 16380')).toEqual([
      '1: Timeout takes one argument, Timeout duration (sec)',
      '2: LimitRequestLine takes one argument, Limit on maximum size of an HTTP request line'
    ])
  })

  it('a ServerName that is a pattern to apr_fnmatch_test (an IPv6 literal too) is refused', () => {
    expect(errors('ServerName [::1]\nServerName www.*.com\nServerName a?b')).toEqual([
      '1: Invalid ServerName "[::1]" use ServerAlias to set multiple server names.',
      '2: Invalid ServerName "www.*.com" use ServerAlias to set multiple server names.',
      '3: Invalid ServerName "a?b" use ServerAlias to set multiple server names.'
    ])
    expect(errors('ServerName [x\nServerName a]b\nServerName http://h:8080')).toEqual([])
  })

  it("mod_dispatcher's DispatcherConfig takes one file, through the same table", () => {
    expect(errors('DispatcherConfig\nDispatcherConfig a.any b.any')).toEqual([
      '1: DispatcherConfig takes one argument',
      '2: DispatcherConfig takes one argument'
    ])
  })

  it('names the directive as httpd spells it, whatever the case written', () => {
    expect(errors('sErVeRnAmE')).toEqual(['1: ServerName takes one argument, The hostname and port of the server'])
    expect(errors('TIMEOUT')).toEqual(['1: Timeout takes one argument, Timeout duration (sec)'])
    expect(errors('LimitRequestFieldSize 1 2')).toEqual([
      '1: LimitRequestFieldsize takes one argument, Limit on maximum size of an HTTP request header field'
    ])
  })

  it('two, 1-2, two or three, one to three, at least one, at least two', () => {
    expect(
      errors(
        [
          'LoadModule foo_module',
          'Define',
          'CustomLog logs/x',
          'Redirect 301 /a http://x/ extra',
          'AddType text/html',
          'AddType "" .x',
          'ExpiresByType text/html',
          'RequestReadTimeout header=20',
          'UnsetEnv'
        ].join('\n')
      )
    ).toEqual([
      '1: LoadModule takes two arguments, a module name and the name of a shared object file to load it from',
      '2: Define takes 1-2 arguments, Define a variable, optionally to a value.  Same as passing -D to the command line.',
      '3: CustomLog takes two or three arguments, a file name, a custom log format string or format name, and an optional "env=" or "expr=" clause (see docs)',
      '4: Redirect takes one, two or three arguments, an optional status, then document to be redirected and destination URL',
      '5: AddType requires at least two arguments, a mime type followed by one or more file extensions',
      '6: AddType requires at least two arguments, a mime type followed by one or more file extensions',
      '7: ExpiresByType takes two arguments, a MIME type followed by an expiry date code',
      '9: UnsetEnv requires at least one argument, a list of variables to remove from the CGI environment.'
    ])
  })

  it('a quoted empty first word counts as none', () => {
    expect(errors('ServerName ""')).toEqual(['1: ServerName takes one argument, The hostname and port of the server'])
  })

  it('On/Off directives read their first word only', () => {
    expect(errors('KeepAlive Maybe\n<Directory "/tmp">\n  ExpiresActive yes\n</Directory>\nKeepAlive')).toEqual([
      '1: KeepAlive must be On or Off',
      '3: ExpiresActive must be On or Off',
      '5: KeepAlive must be On or Off'
    ])
    expect(errors('KeepAlive on # comment\nRewriteEngine OFF extra')).toEqual([])
  })

  it('a refused line is not applied', () => {
    const l = load({ 'httpd.conf': 'ServerName a b\nDocumentRoot' })
    expect(l.config.serverName).toBeUndefined()
    expect(l.config.documentRoot).toBeUndefined()
  })
})

describe('keyword values', () => {
  it('UseCanonicalName, ServerTokens and the like', () => {
    expect(
      errors(
        'UseCanonicalName Of\nServerTokens Product\nHostnameLookups maybe\nTraceEnable x\nServerSignature x\nAllowEncodedSlashes x'
      )
    ).toEqual([
      "1: parameter must be 'on', 'off', or 'dns'",
      "2: ServerTokens takes 1 argument: 'Prod(uctOnly)', 'Major', 'Minor', 'Min(imal)', 'OS', or 'Full'",
      "3: parameter must be 'on', 'off', or 'double'",
      "4: TraceEnable must be one of 'on', 'off', or 'extended'",
      '5: ServerSignature: use one of: off | on | email',
      '6: AllowEncodedSlashes must be On, Off, or NoDecode'
    ])
    expect(
      errors(
        'UseCanonicalName dns\nServerTokens min\nServerTokens ProductOnly\nTraceEnable extended\nAllowEncodedSlashes NoDecode'
      )
    ).toEqual([])
  })

  it('AllowOverride words, Options= lists and Nonfatal=', () => {
    const dir = (line: string): string[] => errors(`<Directory "/tmp">\n  ${line}\n</Directory>`)
    expect(dir('AllowOverride FileInfo Bogus')).toEqual(['2: Illegal override option Bogus'])
    expect(dir('AllowOverride Options=Indexes,Bogus')).toEqual(['2: Illegal option Bogus'])
    expect(dir('AllowOverride Nonfatal')).toEqual(['2: =Override, =Unknown or =All expected after Nonfatal'])
    expect(dir('AllowOverride Nonsense=1')).toEqual(['2: Illegal override option Nonsense'])
    expect(
      dir('AllowOverride Options=Indexes,,FollowSymLinks AuthConfig Nonfatal=Unknown limit'),
      'httpd takes these'
    ).toEqual([])
    expect(dir('AllowOverride')).toEqual([])
  })
})
