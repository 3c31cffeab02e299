/**
 * httpd compiles every RewriteRule and RewriteCond as it reads them, whether or not a vhost
 * runs them: a rule nothing serves (the engine is off, the server's rules are not inherited,
 * there is no vhost) is refused at start-up all the same, each message as `apache2 -t`
 * (httpd 2.4.71) prints it, at the line it names.
 */
import { describe, expect, it } from 'vitest'
import type { LoadedConfig } from '../../../../src/shared/config-model'
import { compileVhostApache } from '../../../../src/main/engine/runtime/apache-runtime'
import { compileDiagnostics } from '../../../../src/main/engine/runtime/compile-check'
import { load } from './helpers'

const vhost = (body: string): string => `<VirtualHost *:80>\n${body}\n</VirtualHost>\n`

/** What `check` says of the configuration: the loader's diagnostics, then the compile check's, as [code, line, message]. */
function checked(conf: string): [string, number | undefined, string][] {
  const r = load({ 'httpd.conf': conf })
  const loaded = { dispatcher: { farms: [] }, apache: r.config } as unknown as LoadedConfig
  return [...r.sink.items, ...compileDiagnostics(loaded)].map((d) => [d.code, d.pos?.line, d.message])
}

const REGEX = 'REWRITE_BAD_REGEX'
const noParen = (pattern: string): string =>
  `RewriteRule: cannot compile regular expression '${pattern}': missing closing parenthesis`

describe('rules no vhost runs', () => {
  it("the server's rules, which a vhost without RewriteOptions Inherit does not run", () => {
    expect(checked('RewriteRule ^/(x /b\n' + vhost('  RewriteEngine On\n  RewriteRule ^/a /b'))).toEqual([
      [REGEX, 1, noParen('^/(x')]
    ])
  })

  it("the server's rules, inherited by a vhost whose engine is off", () => {
    const conf = 'RewriteOptions InheritDown\n' + vhost('  RewriteEngine Off') + 'RewriteRule ^/(x /b\n'
    expect(checked(conf)).toEqual([[REGEX, 5, noParen('^/(x')]])
  })

  it("a vhost's rules under RewriteEngine Off, or with no RewriteEngine line: flags, patterns and conditions", () => {
    // Only what httpd refuses: how a rule that never runs would behave goes unsaid.
    expect(checked(vhost('  RewriteEngine Off\n  RewriteRule ^/(x /b'))).toEqual([[REGEX, 3, noParen('^/(x')]])
    expect(
      checked(
        vhost(
          [
            '  RewriteRule ^/a /b [FOO]',
            '  RewriteRule ^/c /d [BNE]',
            '  RewriteCond %{HTTP_HOST} ^(x',
            '  RewriteRule ^/e /f',
            '  RewriteCond %{NOT_A_VARIABLE} x',
            '  RewriteCond %{HTTP_HOST} -U [NC]',
            '  RewriteRule ^/(.*) /${nomap:$1} [DPI,N=1,Dx]'
          ].join('\n')
        )
      )
    ).toEqual([
      ['REWRITE_BAD_FLAG', 2, "RewriteRule: unknown flag 'FOO'"],
      ['REWRITE_BAD_FLAG', 3, "RewriteRule: flag 'BNE' wants a list of characters (i.e. [BNE=...])"],
      ['REWRITE_BAD_COND', 4, "RewriteCond: cannot compile regular expression '^(x': missing closing parenthesis"]
    ])
  })

  it('every context of a configuration without a vhost: the server and its sections, engine on or off', () => {
    const conf =
      'RewriteEngine On\nRewriteRule ^/(x /b\n<Directory /x>\n  RewriteEngine Off\n  RewriteRule ^(y /b\n</Directory>\n'
    expect(checked(conf)).toEqual([
      [REGEX, 2, noParen('^/(x')],
      [REGEX, 5, noParen('^(y')]
    ])
  })
})

describe('rules compiled for serving', () => {
  it('say each problem once, and are not compiled a second time for it', () => {
    const conf = 'RewriteOptions InheritDown\nRewriteRule ^/(x /b\n' + vhost('  RewriteEngine On') + vhost('')
    expect(checked(conf)).toEqual([[REGEX, 2, noParen('^/(x')]])
    const r = load({ 'httpd.conf': conf })
    const [on, off] = r.config.virtualHosts.map((v) => {
      const contexts = compileVhostApache(r.config.server, v.settings, undefined).rewriteContexts
      return contexts.map((c) => (c === r.config.server ? 'server' : c === v.settings ? 'vhost' : 'other'))
    })
    expect(on).toEqual(['server', 'vhost'])
    expect(off).toEqual([])
  })
})
