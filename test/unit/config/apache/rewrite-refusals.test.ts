/**
 * What mod_rewrite refuses at start-up, each message as `apache2 -t` (httpd 2.4.71) prints it,
 * at the line it names; and the forms it takes, which must load without a word.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileVhostApache } from '../../../../src/main/engine/runtime/apache-runtime'
import { redirectCodeError } from '../../../../src/main/engine/config/apache/rewrite-directives'
import { parseRuleFlags } from '../../../../src/main/engine/pipeline/rewrite/flags'
import { load } from './helpers'

const vhost = (body: string): string => `<VirtualHost *:80>\n${body}\n</VirtualHost>\n`

/** Each diagnostic as [code, line, message]. */
function said(conf: string, files: Record<string, string> = {}): [string, number | undefined, string][] {
  const r = load({ 'httpd.conf': conf, ...files })
  return r.sink.items.map((d) => [d.code, d.pos?.line, d.message])
}

const BAD = 'APACHE_BAD_ARGUMENT'
const MISPLACED = 'APACHE_MISPLACED_DIRECTIVE'
const DANGLING = 'APACHE_DANGLING_REWRITECOND'

describe('RewriteBase', () => {
  it('is refused outside a section: in a VirtualHost or the server context', () => {
    const message = 'RewriteBase: only valid in per-directory config files'
    expect(said(vhost('  RewriteEngine On\n  RewriteBase /'))).toEqual([[MISPLACED, 3, message]])
    expect(said('RewriteBase /x\n')).toEqual([[MISPLACED, 1, message]])
  })

  it('takes exactly one argument, a URL path', () => {
    const oneArgument = 'RewriteBase takes one argument, the base URL of the per-directory context'
    expect(said(vhost('  RewriteBase'))).toEqual([[BAD, 2, oneArgument]])
    expect(said('<Directory /x>\n  RewriteBase /a /b\n</Directory>\n')).toEqual([[BAD, 2, oneArgument]])
    expect(said('<Directory /x>\n  RewriteBase a\n</Directory>\n')).toEqual([
      [BAD, 2, 'RewriteBase: argument is not a valid URL']
    ])
  })
})

describe('RewriteRule and RewriteCond flags', () => {
  it('an empty flag is a flag named ""', () => {
    for (const flags of ['[L,]', '[]', '[,L]', '[L,,R]']) {
      expect(said(`RewriteEngine On\nRewriteRule ^/a /b ${flags}\n`)).toEqual([
        [BAD, 2, "RewriteRule: unknown flag ''"]
      ])
    }
    expect(said('RewriteCond %{HTTP_HOST} x [NC,]\nRewriteRule ^/a /b\n')).toEqual([
      [BAD, 1, "RewriteCond: unknown flag ''"]
    ])
  })

  it('[R=code] takes only a status httpd has a status line for; the rule is not kept', () => {
    for (const flag of ['R=418', 'R=306', 'R=425', 'R=299', 'R=600', 'R=30x', 'redirect=418', 'r=418', 'R=0']) {
      const r = load({ 'httpd.conf': vhost(`  RewriteRule ^/a /b [${flag},L]`) })
      const code = flag.slice(flag.indexOf('=') + 1)
      expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
        [BAD, 2, `RewriteRule: invalid HTTP response code '${code}' for flag 'R'`]
      ])
      expect(r.config.virtualHosts[0].settings.rewriteRules).toEqual([])
    }
  })
})

describe('RewriteCond flags', () => {
  const dangling = 'this RewriteCond is not followed by a RewriteRule in the same context; mod_rewrite ignores it'

  it('are refused as httpd reads them, before the pattern, by the key as written; with no rule after them too', () => {
    expect(said('RewriteCond %{HTTP_HOST} x [FOO]\n')).toEqual([
      [BAD, 1, "RewriteCond: unknown flag 'FOO'"],
      [DANGLING, 1, dangling]
    ])
    const rule = '\nRewriteRule ^/a /b\n'
    expect(said(`RewriteCond %{HTTP_HOST} x [FOO]${rule}`)).toEqual([[BAD, 1, "RewriteCond: unknown flag 'FOO'"]])
    expect(said(`RewriteCond %{HTTP_HOST} x [NC,Foo=bar]${rule}`)).toEqual([
      [BAD, 1, "RewriteCond: unknown flag 'Foo'"]
    ])
    expect(said(`RewriteCond %{HTTP_HOST} x [FOO,]${rule}`)).toEqual([[BAD, 1, "RewriteCond: unknown flag 'FOO'"]])
    expect(said(`RewriteCond %{HTTP_HOST} x [=x]${rule}`)).toEqual([[BAD, 1, "RewriteCond: unknown flag ''"]])
    expect(said(`RewriteCond %{HTTP_HOST} -U [FOO]${rule}`)).toEqual([[BAD, 1, "RewriteCond: unknown flag 'FOO'"]])
  })

  it("httpd ignores a flag's value: [NC=x] is [NC]", () => {
    const r = load({ 'httpd.conf': 'RewriteCond %{HTTP_HOST} x [NC=x,OR=1,novary=z]\nRewriteRule ^/a /b\n' })
    expect(r.sink.items).toEqual([])
    expect(r.config.server.rewriteRules[0].conds.map((c) => c.flags)).toEqual([['nc', 'or', 'novary']])
  })

  it('a condition with no rule after it is compiled all the same: httpd refuses its pattern', () => {
    expect(said('RewriteCond %{HTTP_HOST} x\nRewriteCond %{HTTP_HOST} ^(x [NC]\n')).toEqual([
      ['REWRITE_BAD_COND', 2, "RewriteCond: cannot compile regular expression '^(x': missing closing parenthesis"],
      [
        DANGLING,
        1,
        'these 2 RewriteConds are not followed by a RewriteRule in the same context; mod_rewrite ignores them'
      ]
    ])
  })
})

describe('directives httpd 2.4 no longer has', () => {
  it('RewriteLog, RewriteLogLevel and RewriteLock are invalid commands, named as written, wherever they stand (a warning: a 2.2 configuration still loads)', () => {
    const invalid = (name: string) =>
      `Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration: httpd 2.4 (the SDK's and AMS's) refuses to start with it, as it exists only in 2.2 (use LogLevel rewrite:traceN); ignored here`
    const r = load({ 'httpd.conf': 'RewriteLog "logs/rewrite.log"\n' })
    expect(r.sink.items.map((d) => d.severity)).toEqual(['warning'])
    expect(
      said(
        '<IfModule mod_rewrite.c>\n  RewriteLog "logs/rewrite.log"\n  RewriteLogLevel 9\n</IfModule>\n' +
          vhost('  <Directory /x>\n    rewritelog x\n  </Directory>\n  RewriteLock /tmp/lock')
      )
    ).toEqual([
      ['APACHE_REMOVED_DIRECTIVE', 2, invalid('RewriteLog')],
      ['APACHE_REMOVED_DIRECTIVE', 3, invalid('RewriteLogLevel')],
      ['APACHE_REMOVED_DIRECTIVE', 7, invalid('rewritelog')],
      ['APACHE_REMOVED_DIRECTIVE', 9, invalid('RewriteLock')]
    ])
  })
})

describe('RewriteOptions', () => {
  it('refuses a word it does not know (LongURLOptimization is not in 2.4), and a line without any', () => {
    expect(said(vhost('  RewriteOptions Inherit Foo'))).toEqual([[BAD, 2, "RewriteOptions: unknown option 'Foo'"]])
    expect(said('RewriteOptions LongURLOptimization\n')).toEqual([
      [BAD, 1, "RewriteOptions: unknown option 'LongURLOptimization'"]
    ])
    expect(said('RewriteOptions Inherit,MergeBase\n')).toEqual([
      [BAD, 1, "RewriteOptions: unknown option 'Inherit,MergeBase'"]
    ])
    expect(said('<Directory /x>\n  RewriteOptions\n</Directory>\n')).toEqual([
      [BAD, 2, 'RewriteOptions requires at least one argument, List of option strings to set']
    ])
  })
})

describe('RewriteMap', () => {
  it('belongs to the server or a VirtualHost: httpd names the innermost section around it', () => {
    const map = 'RewriteMap lc int:tolower'
    expect(said(`<Directory /x>\n  ${map}\n</Directory>\n`)).toEqual([
      [MISPLACED, 2, 'RewriteMap not allowed in <Directory> context']
    ])
    expect(said(`<Directory ~ /x>\n  ${map}\n</Directory>\n`)).toEqual([
      [MISPLACED, 2, 'RewriteMap not allowed in <Directory> context']
    ])
    expect(said(vhost(`  <Location /x>\n    ${map}\n  </Location>`))).toEqual([
      [MISPLACED, 3, 'RewriteMap not allowed in <Location> context']
    ])
    expect(said(vhost(`  <If "true">\n    ${map}\n  </If>`))).toEqual([
      [MISPLACED, 3, 'RewriteMap not allowed in <If> context']
    ])
    expect(said(`<Files x>\n  ${map}\n</Files>\n`)).toEqual([
      [MISPLACED, 2, 'RewriteMap not allowed in <Files> context']
    ])
    expect(said(vhost(`  <Proxy "*">\n    ${map}\n  </Proxy>`))).toEqual([
      [MISPLACED, 3, 'RewriteMap not allowed in <Proxy> context']
    ])
    expect(said(`<Directory /x>\n  <Limit GET>\n    ${map}\n  </Limit>\n</Directory>\n`)).toEqual([
      [MISPLACED, 3, 'RewriteMap not allowed in <Limit> context']
    ])
  })

  it('a map whose file is missing is refused, used by a rule or not, and not kept', () => {
    const r = load({ 'httpd.conf': vhost('  RewriteMap a txt:maps/a.txt\n  RewriteMap b RND:maps/b.txt') })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      ['REWRITE_MAP_FILE_MISSING', 2, `RewriteMap: file for map a not found:${path.join(r.dir, 'maps/a.txt')}`],
      ['REWRITE_MAP_FILE_MISSING', 3, `RewriteMap: file for map b not found:${path.join(r.dir, 'maps/b.txt')}`]
    ])
    expect(r.config.virtualHosts[0].settings.rewriteMaps).toEqual([])
  })

  it('an unknown type is the whole argument read as a txt: file under ServerRoot', () => {
    const r = load({ 'httpd.conf': 'RewriteMap m foo:maps/x\n' })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      ['REWRITE_MAP_FILE_MISSING', 1, `RewriteMap: file for map m not found:${path.join(r.dir, 'foo:maps/x')}`]
    ])
  })

  it('int: names one of the four internal functions, in lower case', () => {
    expect(said('RewriteMap m int:nope\nRewriteMap n int:TOLOWER\n')).toEqual([
      ['REWRITE_MAP_UNKNOWN_INT', 1, 'RewriteMap: internal map not found:nope'],
      ['REWRITE_MAP_UNKNOWN_INT', 2, 'RewriteMap: internal map not found:TOLOWER']
    ])
  })

  it('dbm: needs a known DBM type, and an SDBM map is its .dir file', () => {
    const r = load({
      'httpd.conf': 'RewriteMap a dbm=foo:maps/x\nRewriteMap b dbmx:maps/x\nRewriteMap c dbm=sdbm:maps/x\n'
    })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      [BAD, 1, 'RewriteMap: dbm type foo is invalid'],
      [BAD, 2, 'RewriteMap: bad map:dbmx:maps/x'],
      ['REWRITE_MAP_FILE_MISSING', 3, `RewriteMap: file for map c not found:${path.join(r.dir, 'maps/x.dir')}`]
    ])
  })

  it('dbd: and fastdbd: need mod_dbd; prg: needs its program; two or three arguments', () => {
    const r = load({
      'httpd.conf':
        'RewriteMap a dbd:SELECT 1\nRewriteMap b "prg:bin/map -u"\nRewriteMap c\nRewriteMap d txt:m.txt x y\n'
    })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      [BAD, 1, 'RewriteMap types dbd and fastdbd require mod_dbd!'],
      ['REWRITE_MAP_FILE_MISSING', 2, `RewriteMap: file for map b not found:${path.join(r.dir, 'bin/map')}`],
      [BAD, 3, 'RewriteMap takes two or three arguments, a mapname and a filename and options'],
      [BAD, 4, 'RewriteMap takes two or three arguments, a mapname and a filename and options']
    ])
  })
})

describe('[R=code] in the rewrite engine', () => {
  it('takes the codes the loader takes (one table), and serves them as before', () => {
    for (let code = 0; code < 1000; code++) {
      const taken = parseRuleFlags([`R=${code}`]).errors.length === 0
      expect([code, taken]).toEqual([code, redirectCodeError([`R=${code}`]) === undefined])
    }
    expect(parseRuleFlags(['R=418']).errors).toEqual(["invalid HTTP response code '418' for flag 'R'"])
    expect(parseRuleFlags(['R=301']).flags).toMatchObject({ redirect: true, status: 301, statusOnly: false })
    expect(parseRuleFlags(['R=404']).flags).toMatchObject({ redirect: true, status: 404, statusOnly: true })
  })
})

describe('what httpd takes', () => {
  it('loads without a word', () => {
    const body = [
      '  RewriteEngine On',
      '  RewriteOptions Inherit InheritBefore InheritDown InheritDownBefore IgnoreInherit',
      '  RewriteOptions allownoslash AllowAnyURI MergeBase LegacyPrefixDocRoot IgnoreContextInfo MaxRedirects=10',
      '  RewriteMap txt txt:maps/m.txt',
      '  RewriteMap plain maps/m.txt',
      '  RewriteMap rnd rnd:maps/m.txt',
      '  RewriteMap lc int:tolower',
      '  RewriteMap sdbm dbm=sdbm:maps/db',
      '  RewriteMap managed dbm=sdbm:/tmp/rewrites/not-in-the-project.map',
      '  RewriteMap fast fastdbd:SELECT 1',
      '  RewriteMap prg prg:/bin/map-program',
      '  RewriteRule ^/a /b [L]',
      '  RewriteRule ^/b /c [R=301,L]',
      '  RewriteRule ^/c /d [R=permanent]',
      '  RewriteRule ^/d /e [redirect=Temp,L]',
      '  RewriteRule ^/e /f [R=seeother]',
      '  RewriteRule ^/f - [R=404]',
      '  RewriteRule ^/g /h [R=301x]',
      '  RewriteRule ^/h /i "[ R=302 , L ]"',
      '  RewriteCond %{HTTP_HOST} x [NC,OR]',
      '  RewriteRule ^/i /j [R]',
      '  <Directory /x>\n    RewriteBase /x/\n    <Limit GET>\n      RewriteBase /y/\n    </Limit>\n  </Directory>',
      '  <DirectoryMatch ^/y>\n    RewriteBase /\n  </DirectoryMatch>',
      '  <Location /x>\n    RewriteBase /\n  </Location>',
      '  <Files x>\n    RewriteBase /\n  </Files>',
      '  <If "true">\n    RewriteBase /\n  </If>',
      '  <Proxy "*">\n    RewriteBase /\n  </Proxy>'
    ].join('\n')
    const files = { 'maps/m.txt': '/a /b\n', 'maps/db.dir': '', 'maps/db.pag': '' }
    expect(said('LoadModule dbd_module modules/mod_dbd.so\n' + vhost(body), files)).toEqual([])
  })
})

describe('the runtime on what is kept of refused lines', () => {
  it('compiles each vhost without throwing', () => {
    const r = load({
      'httpd.conf': vhost(
        [
          '  RewriteEngine On',
          '  RewriteBase /',
          '  RewriteOptions Foo',
          '  RewriteMap gone txt:maps/none.txt',
          '  RewriteLog x',
          '  RewriteCond %{HTTP_HOST} x [NC,]',
          '  RewriteRule ^/(.*) /${gone:$1} [L,]',
          '  RewriteRule ^/b /c [R=418]',
          '  <Directory /x>\n    RewriteMap lc int:tolower\n    RewriteBase x\n    RewriteRule ^ - [R=599]\n  </Directory>'
        ].join('\n')
      )
    })
    expect(r.sink.errors.length).toBeGreaterThan(0)
    for (const v of r.config.virtualHosts) {
      const compiled = compileVhostApache(r.config.server, v.settings, '/docroot', (p) =>
        fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null
      )
      expect(compiled.rewrite?.compiled.rules.map((x) => x.src.pos.line)).toEqual([8])
    }
  })
})
