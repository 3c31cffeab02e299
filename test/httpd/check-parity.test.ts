/**
 * `check` against `apache2 -t`: the same httpd.conf (and included files) under Debian's
 * `apache2 -t` (2.4.68) and under the workbench's loader (what `check` runs). Each case was a
 * mismatch once: the two must agree on whether the configuration starts and, for a refusal, on
 * the file:line apache2 -t names. (Unit tests in test/unit/config/apache/ check the words.)
 *
 * Compared: accepted vs refused; for a refusal, the file and line apache2 names (the innermost
 * "line N of FILE" of its message) against those of the first error `check` gives. For a
 * directive httpd refuses as "Invalid command", a warning APACHE_INVALID_COMMAND at that line is
 * taken as agreement (unknown directives are kept as warnings by design).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/engine/config/load'
import { APACHE, loadModules } from './harness'

const DEFAULT_MODULES = [
  'rewrite',
  'mime',
  'headers',
  'setenvif',
  'expires',
  'deflate',
  'filter',
  'dir',
  'alias',
  'env'
]
const ANY =
  '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } ' +
  '/filter { /0 { /type "allow" /url "*" } } } }\n'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true })
})

interface Verdict {
  /** `ok`, or `file:line` of the refusal. */
  apache: string
  check: string
  /** apache2's own words, for the failure message. */
  apacheSays: string
  checkSays: string
}

/**
 * Writes `<root>/conf/httpd.conf` (the lines every run needs, the LoadModule lines, then `body`),
 * the dispatcher.any and `files` (relative to the root; Buffer for exact bytes, null for a
 * folder), and asks both sides.
 */
function probe(
  body: string | Buffer | ((root: string) => string),
  opts: { files?: Record<string, string | Buffer | null>; modules?: string[] } = {}
): Verdict {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-check-parity-'))
  roots.push(root)
  for (const d of ['conf', 'run', 'conf.dispatcher.d']) fs.mkdirSync(path.join(root, d))
  fs.writeFileSync(path.join(root, 'conf.dispatcher.d', 'dispatcher.any'), ANY)
  const head = [
    `ServerRoot "${root}"`,
    'ServerName localhost',
    'Listen 127.0.0.1:18089',
    `PidFile "${root}/run/httpd.pid"`,
    `ErrorLog "${root}/run/error.log"`,
    `DefaultRuntimeDir "${root}/run"`,
    `Mutex file:${root}/run default`,
    ...loadModules(['mpm_event', 'authz_core', ...(opts.modules ?? DEFAULT_MODULES)])
  ].join('\n')
  const text = typeof body === 'function' ? body(root) : body
  const conf = Buffer.concat([Buffer.from(head + '\n'), typeof text === 'string' ? Buffer.from(text) : text])
  fs.writeFileSync(path.join(root, 'conf', 'httpd.conf'), conf)
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const p = path.join(root, rel)
    if (content === null) {
      fs.mkdirSync(p, { recursive: true })
      continue
    }
    fs.mkdirSync(path.dirname(p), { recursive: true })
    fs.writeFileSync(p, content)
  }

  const a = spawnSync(APACHE, ['-t', '-f', path.join(root, 'conf', 'httpd.conf')], {
    encoding: 'utf8',
    timeout: 20_000
  })
  const said = `${a.stderr}${a.stdout}`.split(root).join('$ROOT').trim()
  let apache = 'ok'
  if (a.status !== 0) {
    const at = [...said.matchAll(/line (\d+) of ([^:]+):/g)].pop()
    apache = at ? `${path.basename(at[2])}:${at[1]}` : 'refused'
  }

  const loaded = loadConfig(root)
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
  const invalid = loaded.diagnostics.filter((d) => d.code === 'APACHE_INVALID_COMMAND')
  const at = (d: (typeof errors)[number]): string => `${path.basename(d.pos?.file ?? '?')}:${d.pos?.line}`
  let check = errors.length > 0 ? at(errors[0]) : 'ok'
  // "Invalid command": a warning at apache's line counts as agreement (by design).
  if (check === 'ok' && invalid.some((d) => at(d) === apache)) check = apache
  const checkSays =
    errors.map((d) => `${at(d)} ${d.code} ${d.message}`).join('\n') ||
    invalid.map((d) => `${at(d)} (warning) ${d.code}`).join('\n') ||
    '(no error)'
  return { apache, check, apacheSays: said, checkSays }
}

/** Both sides agree; the message shows what each said. */
function agree(v: Verdict): void {
  expect(
    { outcome: v.check, said: v.checkSays },
    `apache2 -t: ${v.apache}\n${v.apacheSays}\n--- check:\n${v.checkSays}`
  ).toEqual({ outcome: v.apache, said: expect.anything() })
}

/** Line numbers: the header above is 7 lines + 2 + DEFAULT_MODULES (10) = 19; the body starts at 20. */
const L = (n: number): number => 19 + n

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

describe.runIf(fs.existsSync(APACHE))('check vs apache2 -t', () => {
  it('refuses a file starting with a UTF-8 BOM, as httpd does (line 1 of the file)', () => {
    const v = probe('Include conf/vhost.conf\n', {
      files: { 'conf/vhost.conf': Buffer.concat([BOM, Buffer.from('# saved by a Windows editor\nKeepAlive On\n')]) }
    })
    expect(v.apache).toBe('vhost.conf:1')
    agree(v)
  })

  it('refuses a trailing "# comment" after a one-argument directive (ServerName)', () => {
    const v = probe('ServerName publish.example.com # the public name\n')
    expect(v.apache).toBe(`httpd.conf:${L(1)}`)
    agree(v)
  })

  it('refuses a ServerName that is a pattern (an IPv6 literal in brackets, a wildcard); takes [x and a]b', () => {
    agree(probe('<VirtualHost *:80>\nServerName [::1]\n</VirtualHost>\n'))
    agree(probe('ServerName www.*.com\n'))
    agree(probe('ServerName [x\n'))
    agree(probe('<VirtualHost *:80>\nServerName a]b\n</VirtualHost>\n'))
  })

  it('refuses extra arguments to one-argument core directives (Timeout, LimitRequestLine)', () => {
    agree(probe('Timeout 60 # seconds\n'))
    agree(probe('LimitRequestLine 8190 16380\n'))
  })

  it('refuses a bad On/Off value (KeepAlive, ExpiresActive)', () => {
    agree(probe('KeepAlive Maybe\n'))
    agree(probe('<Directory "/tmp">\nExpiresActive yes\n</Directory>\n'))
  })

  it('refuses an unknown keyword of an enumerated core directive (UseCanonicalName, ServerTokens)', () => {
    agree(probe('UseCanonicalName Of\n'))
    agree(probe('ServerTokens Product\n'))
  })

  it('says something about a directive whose module is not loaded (Header without mod_headers)', () => {
    const v = probe('Header set X-Frame-Options SAMEORIGIN\n', { modules: ['rewrite', 'mime', 'setenvif'] })
    // httpd: Invalid command 'Header' (a warning APACHE_INVALID_COMMAND there would do).
    expect(v.apache).toBe(`httpd.conf:${19 - 10 + 3 + 1}`)
    agree(v)
  })

  it('names the last physical line of a continued line, as httpd does', () => {
    const v = probe('Header bogus \\\n  X-Foo 1\n')
    expect(v.apache).toBe(`httpd.conf:${L(2)}`)
    agree(v)
  })

  it('keeps ${X} literally after a Define without value (httpd defines no variable)', () => {
    // httpd: AH00111 "Config variable ${FOO} is not defined", then Header gets three words.
    const v = probe('Define FOO\nHeader set X-Foo ${FOO}\n')
    expect(v.apache).toBe('ok')
    agree(v)
  })

  it('refuses <Files> inside <Location>', () => {
    agree(probe('<Location "/x">\n<Files "a">\n</Files>\n</Location>\n'))
  })

  it('refuses a <Directory> or <Location> without an argument', () => {
    agree(probe('<Directory>\n</Directory>\n'))
    agree(probe('<Location>\n</Location>\n'))
  })

  it('refuses AllowOverride outside <Directory> (server level, <VirtualHost>)', () => {
    agree(probe('AllowOverride None\n'))
    agree(probe('<VirtualHost *:80>\nAllowOverride None\n</VirtualHost>\n'))
  })

  it('refuses mod_remoteip directives inside <Directory>/<Location>', () => {
    const v = probe('<Location "/">\nRemoteIPHeader X-Forwarded-For\n</Location>\n', {
      modules: [...DEFAULT_MODULES, 'remoteip']
    })
    agree(v)
  })

  it('refuses a global-only directive in <VirtualHost> (ServerTokens)', () => {
    agree(probe('<VirtualHost *:80>\nServerTokens Prod\n</VirtualHost>\n'))
  })

  it('refuses Include with a wildcard folder when one matched folder lacks the file', () => {
    const v = probe('Include conf/sites/*/vhost.conf\n', {
      files: { 'conf/sites/a/vhost.conf': 'KeepAlive On\n', 'conf/sites/b/other.conf': 'KeepAlive On\n' }
    })
    expect(v.apache).toBe(`httpd.conf:${L(1)}`)
    agree(v)
  })

  it('follows a wildcard into a matched sub-folder (Include conf/d/*)', () => {
    const v = probe('Include conf/d/*\n', {
      files: { 'conf/d/sub/a.conf': 'Options Bogus\n', 'conf/d/b.conf': 'KeepAlive On\n' }
    })
    expect(v.apache).toBe('a.conf:1')
    agree(v)
  })

  it('reads a wildcard ending in "/" as the matched folders, not as an include loop', () => {
    const v = probe('Include conf/*/\n', { files: { 'conf/d/a.conf': 'Options Bogus\n' } })
    expect(v.apache).toBe('a.conf:1')
    agree(v)
  })

  it('accepts a true <IfModule> left open at the end of the file, as httpd does', () => {
    const v = probe('<IfModule rewrite_module>\nKeepAlive On\n')
    expect(v.apache).toBe('ok')
    agree(v)
  })

  it('refuses <Else> with an argument', () => {
    agree(probe('<If "true">\n</If>\n<Else "x">\n</Else>\n'))
  })

  it('refuses two arguments to <Location>', () => {
    agree(probe('<Location "/a" "/b">\n</Location>\n'))
  })

  it('refuses a malformed Substitute pattern or SubstituteMaxLineLength, and accepts the odd forms httpd takes', () => {
    const modules = [...DEFAULT_MODULES, 'substitute']
    for (const bad of [
      'Substitute "x/a/b/"',
      'Substitute "s//b/"',
      'Substitute "s/a"',
      'Substitute "s/a/b/x"',
      'Substitute "s/(a/b/"',
      'SubstituteMaxLineLength 1x'
    ]) {
      const v = probe(`KeepAlive On\n${bad}\n`, { modules })
      // (One more LoadModule line than the other cases.)
      expect(v.apache, bad).toBe(`httpd.conf:${L(2) + 1}`)
      agree(v)
    }
    for (const odd of ['Substitute "S|a|b"', 'Substitute "s/a//INQF"', 'SubstituteMaxLineLength 5b'])
      agree(probe(`${odd}\n`, { modules }))
  })

  it('refuses the regular expressions pcre2_compile refuses, at their line, and accepts the ones it compiles', () => {
    // (The escape, range, reference and lookbehind rules one by one: test/unit/apache-expr/pcre-refusals.test.ts.)
    const refusedByPcre = [
      '[a-\\d]',
      '[[:digit:]-a]',
      'x\\y',
      '[\\i]',
      '\\U',
      '[\\A]',
      '(a)\\2',
      '\\k<n>',
      '\\g{-1}',
      '(?<=a+)b',
      'a*?+',
      '[[:foo:]]',
      '\\x{}',
      '[]-\\b]',
      'a++\\j'
    ]
    for (const pattern of refusedByPcre) {
      const v = probe(`KeepAlive On\nRewriteRule ${pattern} - [L]\n`)
      expect(v.apache, pattern).toBe(`httpd.conf:${L(2)}`)
      agree(v)
    }
    const compiledByPcre = [
      '[\\d-]',
      '\\1(a)',
      '(?<=a|bc)d',
      '(?<!\\D)*x',
      '(?^)a',
      '(?n)(a)',
      '[\\g\\b]',
      '\\c\\',
      'a++'
    ]
    for (const pattern of compiledByPcre) agree(probe(`RewriteRule ${pattern} - [L]\n`))
    // The other directives that compile a pattern when the configuration is read.
    for (const body of [
      'RewriteCond %{HTTP_HOST} [z-\\w]\nRewriteRule ^ - [L]',
      'SetEnvIf Request_URI \\i bad',
      '<LocationMatch "(x)\\2">\n</LocationMatch>',
      'Header edit Location \\q x',
      '<If "%{REQUEST_URI} =~ /\\y/">\n</If>'
    ]) {
      const v = probe(`KeepAlive On\n${body}\n`)
      expect(v.apache, body).toMatch(/^httpd\.conf:/)
      agree(v)
    }
  })

  it('refuses an AliasMatch, ScriptAliasMatch, ProxyPassMatch or ProxyPass ~ pattern PCRE2 refuses; accepts a RedirectMatch or SetEnvIf pattern it compiles', () => {
    const modules = [...DEFAULT_MODULES, 'proxy', 'proxy_http']
    for (const bad of [
      'AliasMatch ^/a\\y /tmp',
      'ScriptAliasMatch ^/cgi-bin/a\\y /tmp/',
      'ProxyPassMatch ^/(a)\\2 http://127.0.0.1:9/',
      'ProxyPass ~ ^/[a-\\d] http://127.0.0.1:9/'
    ]) {
      const v = probe(`KeepAlive On\n${bad}\n`, { modules })
      // (Two more LoadModule lines than the other cases.)
      expect(v.apache, bad).toBe(`httpd.conf:${L(2) + 2}`)
      agree(v)
    }
    // Patterns JavaScript cannot express (possessive) start httpd: a warning, not an error.
    for (const odd of [
      'RedirectMatch ^/a++ /b',
      'SetEnvIf X-A++ ^b x',
      'ProxyPassMatch ^/a++ http://127.0.0.1:9/',
      'AliasMatch ^/a++ /tmp',
      'ScriptAliasMatch ^/cgi-bin/a++ /tmp/'
    ]) {
      const v = probe(`${odd}\n`, { modules })
      expect(v.apache, odd).toBe('ok')
      agree(v)
    }
  })

  it('refuses a RequestReadTimeout httpd refuses, at its line, and accepts the forms httpd takes', () => {
    const modules = [...DEFAULT_MODULES, 'reqtimeout']
    for (const bad of [
      'RequestReadTimeout header=1-2',
      'RequestReadTimeout header=x',
      'RequestReadTimeout body=1s',
      'RequestReadTimeout header=2-1,MinRate=500',
      'RequestReadTimeout body=1,MinRate=0',
      'RequestReadTimeout body=5,MinRate=fast',
      'RequestReadTimeout trailer=5',
      'RequestReadTimeout header',
      '<Directory "/">\nRequestReadTimeout header=5\n</Directory>'
    ]) {
      const v = probe(`KeepAlive On\n${bad}\n`, { modules })
      // (One more LoadModule line than the other cases; the <Directory> case refuses its second line.)
      expect(v.apache, bad).toBe(`httpd.conf:${L(2) + 1 + (bad.startsWith('<') ? 1 : 0)}`)
      agree(v)
    }
    for (const good of [
      'RequestReadTimeout header=1-2,MinRate=500 body=1,MinRate=500',
      'RequestReadTimeout HEADER=+3,minrate=1 Body=0 handshake=5',
      'RequestReadTimeout',
      '<VirtualHost *:80>\nRequestReadTimeout body=2\n</VirtualHost>'
    ])
      agree(probe(`${good}\n`, { modules }))
  })
})
