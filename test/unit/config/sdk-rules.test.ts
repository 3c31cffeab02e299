/**
 * The AEMaaCS SDK validator's rules as `check` applies them (§11.2), on a copy of WKND's
 * `dispatcher/src` with one edit each.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const CORPUS =
  process.env.DW_CORPUS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const WKND = path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src')
const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** WKND with `rules` appended to its filters.any. */
function withFilters(rules: string): ReturnType<typeof loadConfig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-rules-'))
  made.push(dir)
  fs.cpSync(WKND, dir, { recursive: true })
  const filters = path.join(dir, 'conf.dispatcher.d', 'filters', 'filters.any')
  fs.chmodSync(filters, 0o644)
  fs.appendFileSync(filters, `\n${rules}\n`)
  return loadConfig(dir)
}

const adminErrors = (loaded: ReturnType<typeof loadConfig>): string[] =>
  loaded.diagnostics.filter((d) => d.code === 'SDK_FILTER_ALLOWS_ADMIN').map((d) => d.message)

describe('no exposure of admin paths (SDK_FILTER_ALLOWS_ADMIN)', () => {
  it('WKND as it is passes', () => {
    expect(adminErrors(withFilters(''))).toEqual([])
  })

  it('an allow of /crx/* with a deny of the one page /crx/de/index.jsp still exposes CRXDE; /system/console/* exposes the console', () => {
    const loaded = withFilters(
      '/0500 { /type "allow" /method "GET" /url "/crx/*" }\n/0501 { /type "deny" /url "/crx/de/index.jsp" }\n/0502 { /type "allow" /url "/system/console/*" }'
    )
    expect(adminErrors(loaded)).toEqual([
      expect.stringContaining('filter allows access to CRXDE (GET /crx/de is allowed by /0500)'),
      expect.stringContaining('filter allows access to the OSGi console (GET /system/console/ is allowed by /0502)')
    ])
    expect(loaded.diagnostics.find((d) => d.code === 'SDK_FILTER_ALLOWS_ADMIN')?.severity).toBe('error')
  })
})

/** WKND with `edit` applied to its copy (paths relative to src). */
function edited(edit: (dir: string) => void): ReturnType<typeof loadConfig> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-rules-'))
  made.push(parent)
  const dir = path.join(parent, 'src')
  fs.cpSync(WKND, dir, { recursive: true })
  edit(dir)
  return loadConfig(dir)
}

const at = (loaded: ReturnType<typeof loadConfig>, code: string): string[] =>
  loaded.diagnostics.filter((d) => d.code === code).map((d) => `${path.basename(d.pos?.file ?? '')}:${d.pos?.line}`)

describe('includes', () => {
  it('a directive the Cloud refuses is refused in a file a vhost includes as well', () => {
    const loaded = edited((dir) => {
      fs.mkdirSync(path.join(dir, 'conf.d', 'includes'), { recursive: true })
      fs.writeFileSync(
        path.join(dir, 'conf.d', 'includes', 'a.conf'),
        'Header set X-A 1\nLogLevel debug\nListen 9999\n'
      )
      const vhost = path.join(dir, 'conf.d', 'available_vhosts', 'wknd.vhost')
      fs.chmodSync(vhost, 0o644)
      fs.writeFileSync(
        vhost,
        fs.readFileSync(vhost, 'utf8').replace('</VirtualHost>', 'Include conf.d/includes/*.conf\n</VirtualHost>')
      )
      fs.copyFileSync(vhost, path.join(dir, 'conf.d', 'enabled_vhosts', 'wknd.vhost'))
    })
    expect(at(loaded, 'SDK_APACHE_DIRECTIVE')).toEqual(['a.conf:2', 'a.conf:3'])
  })

  it('an Include or $include that climbs out of the src folder is "parent directory outside server root"', () => {
    const loaded = edited((dir) => {
      fs.writeFileSync(path.join(dir, '..', 'outside.any'), '/0900 { /type "deny" /url "/x" }\n')
      const filters = path.join(dir, 'conf.dispatcher.d', 'filters', 'filters.any')
      fs.chmodSync(filters, 0o644)
      fs.appendFileSync(filters, '\n$include "../../../outside.any"\n')
      const vhost = path.join(dir, 'conf.d', 'enabled_vhosts', 'wknd.vhost')
      fs.rmSync(vhost)
      const text = fs.readFileSync(path.join(dir, 'conf.d', 'available_vhosts', 'wknd.vhost'), 'utf8')
      fs.writeFileSync(
        vhost,
        text.replace('</VirtualHost>', 'Include conf.d/includes/../../../outside.conf\n</VirtualHost>')
      )
      fs.writeFileSync(path.join(dir, '..', 'outside.conf'), 'Header set X-Out 1\n')
    })
    expect(at(loaded, 'SDK_PARENT_OUTSIDE_ROOT').sort()).toEqual([
      expect.stringMatching(/^filters\.any:\d+$/),
      expect.stringMatching(/^wknd\.vhost:\d+$/)
    ])
  })
})

describe('a directive no module provides (httpd: "Invalid command")', () => {
  it('is a warning at its line, in httpd words (the configuration still loads); a known directive in any case is fine', () => {
    const loaded = edited((dir) => {
      const rules = path.join(dir, 'conf.d', 'rewrites', 'rewrite.rules')
      fs.chmodSync(rules, 0o644)
      fs.appendFileSync(rules, '\nRewriteRul ^/a /b [R]\nHeadr set X 1\nrewriteCOND %{HTTP_HOST} x\n')
    })
    const invalid = loaded.diagnostics.filter((d) => d.code === 'APACHE_INVALID_COMMAND')
    expect(invalid.map((d) => [d.severity, path.basename(d.pos?.file ?? '')])).toEqual([
      ['warning', 'rewrite.rules'],
      ['warning', 'rewrite.rules']
    ])
    expect(invalid[0].message).toMatch(
      /^Invalid command 'RewriteRul', perhaps misspelled or defined by a module not included in the server configuration/
    )
  })

  it('a typo in an enabled vhost, or a file it includes, is also an SDK error: no allow-list has it, and httpd -t stops on it', () => {
    const loaded = edited((dir) => {
      const vhost = path.join(dir, 'conf.d', 'enabled_vhosts', 'wknd.vhost')
      fs.chmodSync(vhost, 0o644)
      fs.writeFileSync(vhost, fs.readFileSync(vhost, 'utf8').replace('</VirtualHost>', 'Headr set X 1\n</VirtualHost>'))
      const rules = path.join(dir, 'conf.d', 'rewrites', 'rewrite.rules')
      fs.chmodSync(rules, 0o644)
      fs.appendFileSync(rules, '\nRewriteRul ^/a /b [R]\nXyzzyDirective on\n')
    })
    expect(at(loaded, 'APACHE_INVALID_COMMAND').sort()).toEqual([
      expect.stringMatching(/^rewrite\.rules:\d+$/),
      expect.stringMatching(/^rewrite\.rules:\d+$/),
      expect.stringMatching(/^wknd\.vhost:\d+$/)
    ])
    const refused = loaded.diagnostics.filter((d) => d.code === 'SDK_APACHE_DIRECTIVE')
    expect(refused.map((d) => [d.severity, d.category, path.basename(d.pos?.file ?? '')]).sort()).toEqual([
      ['error', 'sdk', 'rewrite.rules'],
      ['error', 'sdk', 'rewrite.rules'],
      ['error', 'sdk', 'wknd.vhost']
    ])
    const messages = refused.map((d) => d.message).sort()
    expect(messages[0]).toMatch(
      /^directive 'Headr' is not allowed in the Cloud .*Invalid command 'Headr'.*\(did you mean Header\?\)$/
    )
    expect(messages[1]).toMatch(/'RewriteRul'.*\(did you mean RewriteRule\?\)$/)
    // Nothing allow-listed is near: no guess.
    expect(messages[2]).toMatch(/'XyzzyDirective'.*server configuration"$/)
  })
})

describe('immutable files (SDK_IMMUTABLE_CHANGED)', () => {
  const EMBEDDED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/default-config')

  /** A project started as a copy of the embedded default configuration. */
  function embeddedCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-immutable-'))
    made.push(dir)
    fs.cpSync(EMBEDDED, dir, { recursive: true })
    return dir
  }
  const immutable = (loaded: ReturnType<typeof loadConfig>) =>
    loaded.diagnostics.filter((d) => d.code === 'SDK_IMMUTABLE_CHANGED')

  it("a copy of the embedded default gets one warning naming all its own versions of the SDK's files, not one per file", () => {
    const dir = embeddedCopy()
    const warnings = immutable(loadConfig(dir))
    expect(warnings).toHaveLength(1)
    expect(warnings[0].severity).toBe('warning')
    expect(warnings[0].pos?.file).toBe(path.join(dir, 'conf.d', 'available_vhosts', 'default.vhost'))
    expect(warnings[0].message).toContain(
      "conf.d/available_vhosts/default.vhost and 10 other immutable files are the workbench's embedded default's own versions"
    )
    expect(warnings[0].message).toContain('conf.dispatcher.d/cache/default_rules.any')
  })

  it('an edit to one of them is its own warning, as for any project; the others stay grouped', () => {
    const dir = embeddedCopy()
    fs.appendFileSync(path.join(dir, 'conf.dispatcher.d', 'cache', 'default_rules.any'), '# edited\n')
    const messages = immutable(loadConfig(dir)).map((d) => d.message)
    expect(messages).toEqual([
      expect.stringContaining("immutable file 'conf.dispatcher.d/cache/default_rules.any' has been changed"),
      expect.stringContaining('and 9 other immutable files are the workbench')
    ])
    expect(messages[1]).not.toContain('default_rules.any')
  })
})
