/**
 * Acceptance of dispatcher-behavior.md §11.2 (the SDK validator's phases) against `check`'s
 * loader: one describe per bullet, each case a copy of WKND's `dispatcher/src` with one edit,
 * asserting the code, the place (file:line:col), the severity and the validator's words
 * (§11.2's quotes, and the SDK's TroubleShooting document for the glob message).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { checkCommand } from '../../../src/cli/check'
import { explainCommand } from '../../../src/cli/explain'
import type { Diagnostic } from '../../../src/shared/diagnostics'

const CORPUS =
  process.env.DW_CORPUS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const WKND = path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src')
const SDK = path.join(CORPUS, 'aem-design__docker-dispatcher-sdk', 'src')
const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** A writable copy of WKND at `<tmp>/src` (the corpus files are read-only). */
function wkndCopy(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-acceptance-'))
  made.push(parent)
  const dir = path.join(parent, 'src')
  fs.cpSync(WKND, dir, { recursive: true })
  const writable = (p: string): void => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644)
    if (fs.statSync(p).isDirectory()) for (const n of fs.readdirSync(p)) writable(path.join(p, n))
  }
  writable(dir)
  return dir
}

const VHOST = 'conf.d/enabled_vhosts/wknd.vhost'
const FARM = 'conf.dispatcher.d/enabled_farms/wknd.farm'
const FILTERS = 'conf.dispatcher.d/filters/filters.any'

function write(dir: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
  fs.writeFileSync(path.join(dir, rel), text)
}
function replaceIn(dir: string, rel: string, from: string, to: string): void {
  const text = fs.readFileSync(path.join(dir, rel), 'utf8')
  if (!text.includes(from)) throw new Error(`${rel} does not hold ${from}`)
  write(dir, rel, text.replace(from, to))
}
/** Lines before the vhost's closing tag. */
function inVhost(dir: string, lines: string): void {
  replaceIn(dir, VHOST, '</VirtualHost>', `${lines}\n</VirtualHost>`)
}

/** `rel:line:col` (1-based) of the `nth` line (0: the first) of the copy's file that holds `needle`. */
function placeOf(dir: string, rel: string, needle: string, nth = 0): string {
  const lines = fs.readFileSync(path.join(dir, rel), 'utf8').split('\n')
  const line = lines.map((l, i) => (l.includes(needle) ? i : -1)).filter((i) => i >= 0)[nth]
  if (line === undefined) throw new Error(`${rel} does not hold ${needle} (${nth + 1} times)`)
  return `${rel}:${line + 1}:${lines[line].indexOf(needle) + 1}`
}

interface Seen {
  code: string
  severity: string
  at: string
  message: string
}
function sdkDiagnostics(dir: string): Seen[] {
  return loadConfig(dir)
    .diagnostics.filter((d: Diagnostic) => d.category === 'sdk')
    .map((d) => ({
      code: d.code,
      severity: d.severity,
      at: d.pos
        ? `${path.relative(dir, d.pos.file).split(path.sep).join('/')}:${d.pos.line}:${d.pos.column}`
        : '(no position)',
      message: d.message
    }))
}
const withCode = (seen: Seen[], code: string): Seen[] => seen.filter((s) => s.code === code)

describe('§11.2 negative: configurations the validator passes give no SDK diagnostic', () => {
  it('WKND as published', () => {
    expect(sdkDiagnostics(WKND)).toEqual([])
  })
  it("the SDK's own src folder", () => {
    expect(sdkDiagnostics(SDK)).toEqual([])
  })
})

describe('§11.2 phase 1: only allow-listed directives in conf.d/enabled_vhosts/*.vhost', () => {
  it('LogLevel and Listen are refused, each an error at its own line and column', () => {
    const dir = wkndCopy()
    inVhost(dir, '\tLogLevel debug\n\tListen 8081')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_APACHE_DIRECTIVE')
    expect(seen).toEqual([
      expect.objectContaining({ severity: 'error', at: placeOf(dir, VHOST, 'LogLevel debug') }),
      expect.objectContaining({ severity: 'error', at: placeOf(dir, VHOST, 'Listen 8081') })
    ])
    expect(seen[0].message).toMatch(/'LogLevel' is not allowed/)
    expect(seen[1].message).toMatch(/'Listen' is not allowed/)
  })

  it("a directive of each module §11.2 lists is accepted (mod_ssl's SSLProxyEngine included)", () => {
    const dir = wkndCopy()
    inVhost(
      dir,
      [
        'ServerAlias www.example.com', // core
        'DirectoryIndex index.html', // mod_dir
        'Alias /a /tmp', // mod_alias
        'SetEnv A 1', // mod_env
        'AddOutputFilterByType DEFLATE text/plain', // mod_filter
        'Header set X-A 1', // mod_headers
        'AddType text/plain .txt', // mod_mime
        'ProxyPreserveHost On', // mod_proxy
        'RemoteIPHeader X-Forwarded-For', // mod_remoteip
        'RequestReadTimeout header=20', // mod_reqtimeout
        'RewriteRule ^/x$ /y [PT]', // mod_rewrite
        'SecRuleEngine On', // mod_security
        'SetEnvIf Host x A=1', // mod_setenvif
        'SSLProxyEngine On', // mod_ssl (its only allowed directive)
        'DeflateCompressionLevel 6', // mod_deflate
        'UserDir disabled', // mod_userdir
        '<Location /s>',
        '  Order allow,deny', // mod_access_compat
        '  Allow from all',
        '  AllowMethods GET', // mod_allowmethods
        '  AuthType Basic', // mod_authn_core
        '  AuthName x',
        '  AuthUserFile /tmp/htpasswd', // mod_authn_file
        '  AuthGroupFile /tmp/groups', // mod_authz_groupfile
        '  Require all granted', // mod_authz_core
        '  AddOutputFilter SUBSTITUTE html',
        '  Substitute s/a/b/', // mod_substitute
        '</Location>',
        '<Macro M $v>', // mod_macro
        '  Header set X-M $v',
        '</Macro>',
        'Use M 1'
      ].join('\n')
    )
    expect(withCode(sdkDiagnostics(dir), 'SDK_APACHE_DIRECTIVE')).toEqual([])
  })

  it('mod_ssl beyond SSLProxyEngine and mod_include (no directives) are refused', () => {
    const dir = wkndCopy()
    inVhost(dir, 'SSLEngine on\nXBitHack on')
    expect(withCode(sdkDiagnostics(dir), 'SDK_APACHE_DIRECTIVE').map((s) => [s.severity, s.at])).toEqual([
      ['error', placeOf(dir, VHOST, 'SSLEngine on')],
      ['error', placeOf(dir, VHOST, 'XBitHack on')]
    ])
  })

  it('a vhost that is only available, not enabled, is not checked', () => {
    const dir = wkndCopy()
    write(dir, 'conf.d/available_vhosts/spare.vhost', '<VirtualHost *:80>\nLogLevel debug\n</VirtualHost>\n')
    expect(sdkDiagnostics(dir)).toEqual([])
  })
})

describe('§11.2 farm checks: no filter rule that allows via /glob', () => {
  it("an allow with /glob is an error at the rule, in the validator's words; a deny with /glob is not", () => {
    const dir = wkndCopy()
    fs.appendFileSync(
      path.join(dir, FILTERS),
      '\n/0900 { /type "allow" /glob "GET /content/wknd/*" }\n/0901 { /type "deny" /glob "* /content/wknd/x*" }\n'
    )
    const seen = withCode(sdkDiagnostics(dir), 'SDK_FILTER_ALLOW_GLOB')
    expect(seen).toEqual([expect.objectContaining({ severity: 'error', at: placeOf(dir, FILTERS, '/0900') })])
    expect(seen[0].message).toContain('filter must not use glob pattern to allow requests')
  })
})

describe('§11.2 farm checks: no exposure of admin paths', () => {
  it('an allow of /crx/de is "filter allows access to CRXDE" at the rule; /system/console is reported as well', () => {
    const dir = wkndCopy()
    fs.appendFileSync(
      path.join(dir, FILTERS),
      '\n/0910 { /type "allow" /url "/crx/de/*" }\n/0911 { /type "allow" /path "/system/console*" }\n'
    )
    const seen = withCode(sdkDiagnostics(dir), 'SDK_FILTER_ALLOWS_ADMIN')
    expect(seen.map((s) => [s.severity, s.at])).toEqual([
      ['error', placeOf(dir, FILTERS, '/0910')],
      ['error', placeOf(dir, FILTERS, '/0911')]
    ])
    expect(seen[0].message).toContain('filter allows access to CRXDE')
    expect(seen[1].message).toContain('/system/console')
  })
})

describe('§11.2 farm checks: /renders and /cache/allowedClients include the default files', () => {
  it('/renders without the include: "renders are not included from", an error at the farm', () => {
    const dir = wkndCopy()
    replaceIn(dir, FARM, '$include "../renders/default_renders.any"', '/0 { /hostname "localhost" /port "4503" }')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_RENDERS_NOT_INCLUDED')
    expect(seen).toEqual([expect.objectContaining({ severity: 'error', at: placeOf(dir, FARM, '/publishfarm') })])
    expect(seen[0].message).toContain('renders are not included from')
    expect(seen[0].message).toContain('../renders/default_renders.any')
  })

  it('/allowedClients without the include: "allowed clients are not included from", an error at /cache', () => {
    const dir = wkndCopy()
    replaceIn(dir, FARM, '$include "../cache/default_invalidate.any"', '/0 { /glob "*" /type "allow" }')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_ALLOWED_CLIENTS_NOT_INCLUDED')
    expect(seen).toEqual([expect.objectContaining({ severity: 'error', at: placeOf(dir, FARM, '/cache {') })])
    expect(seen[0].message).toContain('allowed clients are not included from')
  })

  it('/renders including another file: "file included (…) must be named: ../renders/default_renders.any" at the $include', () => {
    const dir = wkndCopy()
    write(dir, 'conf.dispatcher.d/renders/my_renders.any', '/0 { /hostname "localhost" /port "4503" }\n')
    replaceIn(dir, FARM, '$include "../renders/default_renders.any"', '$include "../renders/my_renders.any"')
    const seen = sdkDiagnostics(dir).filter((s) => s.code.startsWith('SDK_INCLUDE') || s.code.startsWith('SDK_RENDERS'))
    expect(seen).toEqual([
      {
        code: 'SDK_INCLUDE_MUST_BE_NAMED',
        severity: 'error',
        at: placeOf(dir, FARM, '$include "../renders/my_renders.any"'),
        message: expect.stringContaining(
          'file included (../renders/my_renders.any) must be named: ../renders/default_renders.any'
        )
      }
    ])
  })

  it('/allowedClients including another file: "must be named: ../cache/default_invalidate.any"', () => {
    const dir = wkndCopy()
    write(dir, 'conf.dispatcher.d/cache/my_invalidate.any', '/0 { /glob "*" /type "allow" }\n')
    replaceIn(dir, FARM, '$include "../cache/default_invalidate.any"', '$include "../cache/my_invalidate.any"')
    const seen = sdkDiagnostics(dir).filter((s) => s.code.startsWith('SDK_INCLUDE') || s.code.startsWith('SDK_ALLOWED'))
    expect(seen).toEqual([
      {
        code: 'SDK_INCLUDE_MUST_BE_NAMED',
        severity: 'error',
        at: placeOf(dir, FARM, '$include "../cache/my_invalidate.any"'),
        message: expect.stringContaining(
          'file included (../cache/my_invalidate.any) must be named: ../cache/default_invalidate.any'
        )
      }
    ])
  })
})

describe('§11.2 farm checks: own includes only at the known locations', () => {
  it('a file from another folder in /virtualhosts: "file included at unknown location", at the $include', () => {
    const dir = wkndCopy()
    replaceIn(
      dir,
      FARM,
      '$include "../virtualhosts/virtualhosts.any"',
      '$include "../virtualhosts/virtualhosts.any"\n\t\t$include "../clientheaders/clientheaders.any"'
    )
    const seen = withCode(sdkDiagnostics(dir), 'SDK_INCLUDE_UNKNOWN_LOCATION')
    expect(seen).toEqual([
      expect.objectContaining({
        severity: 'error',
        at: placeOf(dir, FARM, '$include "../clientheaders/clientheaders.any"', 1)
      })
    ])
    expect(seen[0].message).toContain('file included at unknown location: ../clientheaders/clientheaders.any')
  })

  it('an $include in /cache/invalidate: "include statement at (…), outside any known location", at the $include', () => {
    const dir = wkndCopy()
    write(dir, 'conf.dispatcher.d/cache/invalidate.any', '/0100 { /glob "*.css" /type "allow" }\n')
    replaceIn(dir, FARM, '/invalidate {', '/invalidate {\n\t\t\t$include "../cache/invalidate.any"')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_INCLUDE_OUTSIDE_LOCATION')
    expect(seen).toEqual([
      expect.objectContaining({ severity: 'error', at: placeOf(dir, FARM, '$include "../cache/invalidate.any"') })
    ])
    expect(seen[0].message).toMatch(/^include statement at \(.*invalidate.*\), outside any known location/)
    expect(seen[0].message).toContain('../cache/invalidate.any')
  })

  it('the default_ variants are accepted at their locations', () => {
    const dir = wkndCopy()
    replaceIn(dir, FARM, '$include "../filters/filters.any"', '$include "../filters/default_filters.any"')
    replaceIn(
      dir,
      FARM,
      '$include "../clientheaders/clientheaders.any"',
      '$include "../clientheaders/default_clientheaders.any"'
    )
    replaceIn(
      dir,
      FARM,
      '$include "../virtualhosts/virtualhosts.any"',
      '$include "../virtualhosts/default_virtualhosts.any"'
    )
    replaceIn(dir, FARM, '$include "../cache/rules.any"', '$include "../cache/default_rules.any"')
    expect(sdkDiagnostics(dir)).toEqual([])
  })
})

describe('§11.2 Apache includes: known files, and in flexible mode conf.d/includes, modsec, rewrites', () => {
  const includeLines =
    'Include conf.d/includes/extra.conf\nInclude conf.d/modsec/rules.conf\nInclude conf.d/rewrites/more.rules'
  function withExtraIncludes(dir: string): void {
    write(dir, 'conf.d/includes/extra.conf', 'Header set X-Extra 1\n')
    write(dir, 'conf.d/modsec/rules.conf', 'SecRuleEngine On\n')
    write(dir, 'conf.d/rewrites/more.rules', 'RewriteRule ^/old$ /new [R=301]\n')
    inVhost(dir, includeLines)
  }

  it('flexible mode (opt-in/USE_SOURCES_DIRECTLY): files under conf.d/includes, modsec and rewrites are accepted', () => {
    const dir = wkndCopy()
    withExtraIncludes(dir)
    expect(sdkDiagnostics(dir)).toEqual([])
  })

  it('legacy mode (no opt-in file): the same includes are "included file (…) does not match any known file"', () => {
    const dir = wkndCopy()
    fs.rmSync(path.join(dir, 'opt-in'), { recursive: true })
    withExtraIncludes(dir)
    const seen = withCode(sdkDiagnostics(dir), 'SDK_APACHE_INCLUDE_UNKNOWN')
    expect(seen.map((s) => [s.severity, s.at, s.message])).toEqual([
      [
        'error',
        placeOf(dir, VHOST, 'Include conf.d/includes/extra.conf'),
        'included file (conf.d/includes/extra.conf) does not match any known file'
      ],
      [
        'error',
        placeOf(dir, VHOST, 'Include conf.d/modsec/rules.conf'),
        'included file (conf.d/modsec/rules.conf) does not match any known file'
      ],
      [
        'error',
        placeOf(dir, VHOST, 'Include conf.d/rewrites/more.rules'),
        'included file (conf.d/rewrites/more.rules) does not match any known file'
      ]
    ])
  })

  it('legacy mode still accepts the known files (rewrite.rules, custom.vars, default_rewrite.rules)', () => {
    const dir = wkndCopy()
    fs.rmSync(path.join(dir, 'opt-in'), { recursive: true })
    inVhost(dir, 'Include conf.d/rewrites/default_rewrite.rules')
    expect(sdkDiagnostics(dir)).toEqual([])
  })

  it('a file elsewhere in conf.d is refused in flexible mode too', () => {
    const dir = wkndCopy()
    write(dir, 'conf.d/other/x.conf', 'Header set X-O 1\n')
    inVhost(dir, 'Include conf.d/other/x.conf')
    expect(withCode(sdkDiagnostics(dir), 'SDK_APACHE_INCLUDE_UNKNOWN').map((s) => [s.severity, s.at])).toEqual([
      ['error', placeOf(dir, VHOST, 'Include conf.d/other/x.conf')]
    ])
  })
})

describe('§11.2 structural errors', () => {
  it('no conf.dispatcher.d: "unable to locate a conf.dispatcher.d subfolder"', () => {
    const dir = wkndCopy()
    fs.rmSync(path.join(dir, 'conf.dispatcher.d'), { recursive: true })
    const seen = withCode(sdkDiagnostics(dir), 'SDK_NO_DISPATCHER_FOLDER')
    expect(seen).toEqual([expect.objectContaining({ severity: 'error', at: 'conf.dispatcher.d:1:1' })])
    expect(seen[0].message).toContain('unable to locate a conf.dispatcher.d subfolder')
  })

  it('no farm in enabled_farms: "unable to find any farm in conf.dispatcher.d/enabled_farms"', () => {
    const dir = wkndCopy()
    fs.rmSync(path.join(dir, FARM))
    const seen = withCode(sdkDiagnostics(dir), 'SDK_NO_ENABLED_FARMS')
    // At the $include that reads the folder (a line to open), not at the folder's "1:1".
    expect(seen).toEqual([expect.objectContaining({ severity: 'error', at: 'conf.dispatcher.d/dispatcher.any:10:2' })])
    expect(seen[0].message).toBe(
      'unable to find any farm in conf.dispatcher.d/enabled_farms (no *.farm file there for $include "enabled_farms/*.farm" to read)'
    )
  })

  it('an $include or Include leaving src: "parent directory outside server root", at the statement', () => {
    const dir = wkndCopy()
    write(dir, '../outside.any', '/0990 { /type "deny" /url "/x" }\n')
    write(dir, '../outside.conf', 'Header set X-Out 1\n')
    fs.appendFileSync(path.join(dir, FILTERS), '\n$include "../../../outside.any"\n')
    inVhost(dir, 'Include conf.d/includes/../../../outside.conf')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_PARENT_OUTSIDE_ROOT')
    expect(seen.map((s) => [s.severity, s.at]).sort()).toEqual([
      ['error', placeOf(dir, VHOST, 'Include conf.d/includes/../../../outside.conf')],
      ['error', placeOf(dir, FILTERS, '$include "../../../outside.any"')]
    ])
    for (const s of seen) expect(s.message).toContain('parent directory outside server root')
  })
})

describe('§11.2 phase 3: the immutability check', () => {
  it('an edited immutable file is a warning at its first line naming bin/update_maven.sh; an untouched one is not', () => {
    const dir = wkndCopy()
    fs.appendFileSync(path.join(dir, 'conf.d/dispatcher_vhost.conf'), '\n# edited\n')
    const seen = withCode(sdkDiagnostics(dir), 'SDK_IMMUTABLE_CHANGED')
    expect(seen).toEqual([expect.objectContaining({ severity: 'warning', at: 'conf.d/dispatcher_vhost.conf:1:1' })])
    expect(seen[0].message).toContain('update_maven.sh')
  })

  it("check judges as validate.sh's phase 3 (an error, in its words); serving warns, as docker_run.sh starts anyway", () => {
    const dir = wkndCopy()
    replaceIn(dir, 'conf.dispatcher.d/filters/default_filters.any', '/0017 { /type "deny"', '/0017 { /type "allow"')
    const served = withCode(sdkDiagnostics(dir), 'SDK_IMMUTABLE_CHANGED')
    expect(served.map((s) => [s.severity, s.at])).toEqual([
      ['warning', 'conf.dispatcher.d/filters/default_filters.any:1:1']
    ])
    expect(served[0].message).toContain(
      "immutable file 'conf.dispatcher.d/filters/default_filters.any' has been changed"
    )
    expect(served[0].message).toMatch(/Served here as edited, but the SDK's docker_run\.sh overwrites it/)
    const out: string[] = []
    expect(checkCommand([dir], (s) => out.push(s))).toBe(1)
    const line = out.find((l) => l.includes('SDK_IMMUTABLE_CHANGED'))
    expect(line).toMatch(
      /default_filters\.any:1:1: error SDK_IMMUTABLE_CHANGED immutable file '[^']+' has been changed/
    )
    expect(line).toContain('validate.sh fails on it (phase 3)')
    expect(out.at(-1)).toMatch(/^FAILED: .* 1 error\(s\)/)
  })

  it('explain notes, under the filter row, that the deciding rule comes from an edited SDK file the Cloud replaces', () => {
    const dir = wkndCopy()
    replaceIn(dir, 'conf.dispatcher.d/filters/default_filters.any', '/0017 { /type "deny"', '/0017 { /type "allow"')
    const out: string[] = []
    expect(explainCommand([dir, 'GET', '/content/wknd/us/en.infinity.json'], (s) => out.push(s))).toBe(0)
    const row = out.findIndex((l) => /^ {2}filter +pass +Filter rule entry \/0017 allowed/.test(l))
    expect(row).toBeGreaterThan(0)
    expect(out[row + 1].trim()).toBe(
      "note: conf.dispatcher.d/filters/default_filters.any is an SDK file edited in this project; the Cloud deploys the SDK's " +
        "unedited version (the SDK's docker_run.sh runs it too), where this rule may decide otherwise"
    )
    // A rule from a customer file: no note.
    const other: string[] = []
    explainCommand([dir, 'GET', '/content/wknd/us/en/manifest.webmanifest'], (s) => other.push(s))
    expect(other.join('\n')).not.toContain('note:')
  })

  it('a customer file (filters.any) may be edited freely', () => {
    const dir = wkndCopy()
    fs.appendFileSync(path.join(dir, FILTERS), '\n/0999 { /type "deny" /url "/x" }\n')
    expect(withCode(sdkDiagnostics(dir), 'SDK_IMMUTABLE_CHANGED')).toEqual([])
  })
})
