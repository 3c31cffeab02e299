/**
 * Sections the workbench reads but does not act on say so when the configuration loads, at
 * their own line, instead of being ignored silently.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-emulated-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function load(farmBody: string): ReturnType<typeof loadConfig> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n    /virtualhosts { "*" }\n${farmBody}\n  }\n}\n`
  )
  return loadConfig(file)
}

describe('sections read but not emulated', () => {
  it('/sessionmanagement is emulated (cache/session-manager.ts): no such warning', () => {
    const loaded = load(`    /sessionmanagement {\n      /directory "/tmp/.sessions"\n    }`)
    expect(loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED')).toEqual([])
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('/propagateSyndPost "1" is emulated (pipeline/stages/flush.ts): no such warning', () => {
    expect(load(`    /propagateSyndPost "1"`).diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED')).toEqual([])
  })

  it('/auth_checker is emulated: no such warning', () => {
    const loaded = load(`    /auth_checker {\n      /url "/bin/permissioncheck"\n    }`)
    expect(loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED')).toEqual([])
  })

  it("a single-quoted /virtualhosts value is matched as a glob, with a warning at its line (the module's reading is undocumented)", () => {
    const loaded = load(`    /virtualhosts { 'www\\.a\\.com' "b.com" }`)
    const warnings = loaded.diagnostics.filter((d) => d.code === 'MODEL_VIRTUALHOST_QUOTES')
    expect(warnings.map((d) => [d.severity, d.pos?.line])).toEqual([['warning', 5]])
    expect(warnings[0].message).toContain("value 'www\\.a\\.com' is single-quoted: the workbench matches it as a glob")
  })

  it('an IPv6 literal in /virtualhosts is a glob character class: a warning at its line with the value that matches', () => {
    const loaded = load(`    /virtualhosts { "[::1]" "http://[::1]:8080/content/*" "[ab]c.com" 'x' }`)
    const warnings = loaded.diagnostics.filter((d) => d.code === 'MODEL_VIRTUALHOST_IPV6')
    expect(warnings.map((d) => [d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['warning', 5, 21],
      ['warning', 5, 29]
    ])
    expect(warnings[0].message).toContain(
      '/farms/site/virtualhosts value "[::1]" is a glob, in which "[" starts a character class matching one character'
    )
    expect(warnings[0].message).toContain('write "[[]::1]"')
    expect(warnings[1].message).toContain('write "http://[[]::1]:8080/content/*"')
  })

  it('a flag written as a word is read as a number, as the module does: "true" is off, "1x" on, each with a warning', () => {
    const t = load(`    /failover "true"\n    /info "1x"`)
    const farm = t.dispatcher.farms[0]
    expect(farm.failover.value).toBe(false)
    expect(farm.info.value).toBe(true)
    expect(t.diagnostics.filter((d) => d.code === 'MODEL_BAD_FLAG').map((d) => [d.pos?.line, d.message])).toEqual([
      [5, expect.stringContaining('got "true", which the module reads as a number: off (0)')],
      [6, expect.stringContaining('got "1x", which the module reads as a number: on')]
    ])
  })

  it('a /cache/headers entry with glob characters says it is a literal name', () => {
    const t = load(`    /cache { /docroot "/tmp/x" /headers { "X-*" "Content-Type" } }`)
    expect(
      t.diagnostics.filter((d) => d.code === 'MODEL_HEADER_PATTERN').map((d) => [d.severity, d.pos?.line])
    ).toEqual([['warning', 5]])
  })
})

describe("mod_include's INCLUDES filter", () => {
  it('is a warning wherever it is set: AddOutputFilter, AddOutputFilterByType, SetOutputFilter', () => {
    const root = fs.mkdtempSync(path.join(dir, 'include-'))
    fs.writeFileSync(
      path.join(root, 'dispatcher.any'),
      '/farms { /site { /renders { /0 { /hostname "127.0.0.1" /port "4503" } } /virtualhosts { "*" } } }\n'
    )
    fs.writeFileSync(
      path.join(root, 'httpd.conf'),
      [
        'AddOutputFilter INCLUDES .shtml',
        '<VirtualHost *:80>',
        '  ServerName localhost',
        '  AddOutputFilterByType INCLUDES;DEFLATE text/html',
        '  <Location "/ssi">',
        '    SetOutputFilter INCLUDES',
        '  </Location>',
        '  SetOutputFilter DEFLATE',
        '</VirtualHost>',
        ''
      ].join('\n')
    )
    const loaded = loadConfig(path.join(root, 'dispatcher.any'))
    const said = loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED' && d.message.includes('mod_include'))
    expect(said.map((d) => [d.pos?.line, d.message.split(':')[1].trim()])).toEqual([
      [
        1,
        ".shtml answers keep their ETag and 304s, and any <!--#…--> directives go out as written, where httpd's INCLUDES filter would process them"
      ],
      [4, expect.stringMatching(/^text\/html answers keep/)],
      [6, expect.stringMatching(/^these answers keep/)]
    ])
  })
})

describe('output filters the workbench does not run', () => {
  function loadHttpd(lines: string[]): ReturnType<typeof loadConfig> {
    const root = fs.mkdtempSync(path.join(dir, 'filters-'))
    fs.writeFileSync(
      path.join(root, 'dispatcher.any'),
      '/farms { /site { /renders { /0 { /hostname "127.0.0.1" /port "4503" } } /virtualhosts { "*" } } }\n'
    )
    fs.writeFileSync(path.join(root, 'httpd.conf'), lines.join('\n') + '\n')
    return loadConfig(path.join(root, 'dispatcher.any'))
  }
  const notEmulated = (loaded: ReturnType<typeof loadConfig>) =>
    loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED').map((d) => [d.pos?.line, d.message])

  it("mod_substitute's SUBSTITUTE is emulated where SetOutputFilter or AddOutputFilterByType puts it in, however it is spelled; a FilterProvider's is said", () => {
    const loaded = loadHttpd([
      '<VirtualHost *:80>',
      '  ServerName localhost',
      '  Substitute "s|/content/site/en|/en|n"',
      '  AddOutputFilterByType Substitute;DEFLATE text/html',
      '  SetOutputFilter SUBSTITUTE',
      '  FilterDeclare links',
      '  FilterProvider links SUBSTITUTE "%{CONTENT_TYPE} =~ m|^text/css|"',
      '</VirtualHost>'
    ])
    expect(notEmulated(loaded)).toEqual([
      [
        7,
        expect.stringMatching(
          /^FilterProvider links SUBSTITUTE .* is not emulated: these answers go out without the Substitute patterns applied/
        )
      ]
    ])
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('a DEFLATE FilterProvider is not emulated either; a filter whose module is not loaded is not named', () => {
    const loaded = loadHttpd([
      'LoadModule mime_module modules/mod_mime.so',
      'LoadModule filter_module modules/mod_filter.so',
      'LoadModule deflate_module modules/mod_deflate.so',
      '<VirtualHost *:80>',
      '  FilterDeclare gz',
      '  FilterProvider gz DEFLATE "%{CONTENT_TYPE} =~ m|^text/|"',
      '  SetOutputFilter SUBSTITUTE;INFLATE',
      '</VirtualHost>'
    ])
    expect(notEmulated(loaded)).toEqual([
      [6, expect.stringMatching(/^FilterProvider gz DEFLATE .* is not emulated: these answers go uncompressed/)],
      [
        7,
        "mod_deflate's INFLATE output filter is not emulated: these answers go out compressed as they came, where httpd would decompress them"
      ]
    ])
  })
})

describe("httpd's main server", () => {
  it('is said to answer when no <VirtualHost> takes the port the configuration listens on', () => {
    const root = fs.mkdtempSync(path.join(dir, 'main-server-'))
    fs.writeFileSync(
      path.join(root, 'dispatcher.any'),
      '/farms { /site { /renders { /0 { /hostname "127.0.0.1" /port "4503" } } /virtualhosts { "*" } } }\n'
    )
    const write = (conf: string) => {
      fs.writeFileSync(path.join(root, 'httpd.conf'), conf)
      return loadConfig(path.join(root, 'dispatcher.any')).diagnostics.filter(
        (d) => d.code === 'APACHE_MAIN_SERVER_ANSWERS'
      )
    }
    const other = write('Listen 80\n<VirtualHost _default_:443>\n  ServerName secure\n</VirtualHost>\n')
    expect(other.map((d) => [d.severity, d.pos?.line])).toEqual([['warning', 2]])
    expect(other[0].message).toContain(
      "no <VirtualHost> takes port 80 (the first Listen, 80 without one): httpd's main server answers"
    )
    expect(write('Listen 8080\n<VirtualHost *:8080>\n</VirtualHost>\n')).toEqual([])
    expect(write('ServerName only\n')).toEqual([])
  })
})
