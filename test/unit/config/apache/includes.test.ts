import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { load, loadAt, only, tree } from './helpers'

const DOT =
  '/work/shared/corpus/adobe__aem-dispatcher-optimizer-tool/core/src/test/resources/com/adobe/aem/dot/httpd/core/parser'

const aliases = (r: ReturnType<typeof load>): string[] => r.config.server.aliases.map((a) => a.from)

describe('Include and IncludeOptional', () => {
  it('a glob includes the matching files in name order, relative to ServerRoot rather than the including file', () => {
    const r = load(
      {
        'conf/httpd.conf': 'Include conf.d/*.conf\n',
        'conf.d/20_b.conf': 'Alias /b /b\n',
        'conf.d/10_a.conf': 'Alias /a /a\n',
        'conf.d/30_c.conf.disabled': 'Alias /c /c\n',
        'conf.d/.hidden.conf': 'Alias /hidden /h\n'
      },
      { root: 'conf/httpd.conf' }
    )
    expect(r.sink.items).toEqual([])
    expect(aliases(r)).toEqual(['/a', '/b'])
    expect(r.watchDirs).toContain(path.join(r.dir, 'conf.d'))
  })

  it('a directory includes every file below it, sorted, recursing into sub-folders', () => {
    const r = load({
      'httpd.conf': 'Include extra\n',
      'extra/b.conf': 'Alias /b /b\n',
      'extra/a/z.conf': 'Alias /az /az\n',
      'extra/c.txt': 'Alias /c /c\n'
    })
    expect(aliases(r)).toEqual(['/az', '/b', '/c'])
  })

  it('Include of a missing file is an error at the Include line (APACHE_INCLUDE_MISSING); IncludeOptional is silent', () => {
    const r = load({ 'httpd.conf': 'IncludeOptional nothing.conf\n  Include nothing.conf\nListen 80\n' })
    expect(r.sink.items.map((d) => [d.code, d.severity, d.category, d.pos?.line, d.pos?.column])).toEqual([
      ['APACHE_INCLUDE_MISSING', 'error', 'include', 2, 3]
    ])
    expect(r.config.server.other.Listen?.value).toEqual(['80'])
  })

  it('Include of a glob that matches nothing is an error; IncludeOptional of it is silent', () => {
    const r = load({ 'httpd.conf': 'IncludeOptional conf.d/*.vhost\nInclude conf.d/*.vhost\n', 'conf.d/a.conf': '' })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_INCLUDE_MISSING', 2]])
    expect(r.sink.items[0].message).toContain("No matches for the wildcard '*.vhost'")
  })

  it('a file the project lacks is read from the overlay, with an info note', () => {
    const builtIn = tree({ 'default.vars': 'Define FORCE_SSL 0\n' })
    const r = load(
      { 'httpd.conf': 'Include conf.d/variables/default.vars\nAlias /x ${FORCE_SSL}\n' },
      { overlay: { 'conf.d/variables/default.vars': path.join(builtIn, 'default.vars') } }
    )
    expect(r.codes).toEqual(['APACHE_OVERLAY_USED'])
    expect(r.config.server.aliases[0].to).toBe('0')
    expect(r.files).toContain(path.join(builtIn, 'default.vars'))
  })

  it("the project's own file wins over the overlay", () => {
    const builtIn = tree({ 'default.vars': 'Define FORCE_SSL 0\n' })
    const r = load(
      {
        'httpd.conf': 'Include conf.d/variables/default.vars\n',
        'conf.d/variables/default.vars': 'Define FORCE_SSL 1\n'
      },
      { overlay: { 'conf.d/variables/default.vars': path.join(builtIn, 'default.vars') } }
    )
    expect(r.config.defines.FORCE_SSL).toBe('1')
    expect(r.codes).toEqual([])
  })

  it("the runtime's own files join a wildcard of their folder in name order, without a note; the project's copy wins", () => {
    const builtIn = tree({ 'remoteip.conf': 'Alias /remoteip runtime\n', 'zz.conf': 'Alias /zz runtime\n' })
    const overlay = {
      'conf.d/remoteip.conf': path.join(builtIn, 'remoteip.conf'),
      'conf.d/zz.conf': path.join(builtIn, 'zz.conf'),
      'conf.d/variables/default.vars': path.join(builtIn, 'remoteip.conf')
    }
    const r = load(
      {
        'httpd.conf': 'IncludeOptional conf.d/*.conf\n',
        'conf.d/a.conf': 'Alias /a project\n',
        'conf.d/zz.conf': 'Alias /zz project\n'
      },
      { overlay }
    )
    expect(r.config.server.aliases.map((a) => `${a.from} ${a.to}`)).toEqual([
      '/a project',
      '/remoteip runtime',
      '/zz project'
    ])
    expect(r.codes).toEqual([])
    expect(r.files).toContain(path.join(builtIn, 'remoteip.conf'))
  })

  it('an include loop is stopped at the nesting limit with one APACHE_INCLUDE_LIMIT error', () => {
    const r = load(
      { 'httpd.conf': 'Include a.conf\n', 'a.conf': 'Alias /a /a\nInclude b.conf\n', 'b.conf': 'Include a.conf\n' },
      { maxIncludeDepth: 10 }
    )
    const errors = only(r.sink.items, 'APACHE_INCLUDE_LIMIT')
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(/Maximum include depth \(10\).*includes itself/)
    expect(r.sink.errors).toHaveLength(1)
  })

  it('the total line guard refuses a configuration whose includes expand past maxLines (APACHE_INCLUDE_LIMIT)', () => {
    const r = load(
      {
        'httpd.conf': 'Include part.conf\nInclude part.conf\nInclude part.conf\n',
        'part.conf': 'Listen 1\nListen 2\nListen 3\n'
      },
      { maxLines: 7 }
    )
    expect(r.sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_INCLUDE_LIMIT', 3]])
    expect(r.config.server.other).toEqual({})
  })

  it('the line guard also holds while loading, for include paths only known once a Define has run', () => {
    const r = load(
      {
        'httpd.conf': 'Define PART part.conf\nInclude ${PART}\nInclude ${PART}\nInclude ${PART}\nListen 9\n',
        'part.conf': 'Listen 1\nListen 2\nListen 3\n'
      },
      { maxLines: 7 }
    )
    // 2 lines of its own + 3 + 3 > 7: the second Include is refused and loading stops there.
    expect(r.sink.errors.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_INCLUDE_LIMIT', 3]])
    expect(r.config.server.other.Listen?.value).toEqual(['3'])
  })

  it('a section must close in the file that opens it: an unclosed section in an included file does not swallow the includer', () => {
    const r = load({
      'httpd.conf': '<VirtualHost *:80>\n  Include broken.conf\n  ServerName after\n</VirtualHost>\n',
      'broken.conf': '<Directory />\n  Require all granted\n'
    })
    expect(r.sink.items.map((d) => [d.code, path.basename(d.pos!.file), d.pos?.line])).toEqual([
      ['APACHE_UNCLOSED_SECTION', 'broken.conf', 1]
    ])
    expect(r.config.virtualHosts[0].serverName?.value).toBe('after')
  })

  it('syntax errors of an included file are reported once even when it is included many times', () => {
    const r = load({ 'httpd.conf': 'Include x.conf\nInclude x.conf\n', 'x.conf': '<Files a>\n' })
    expect(r.codes).toEqual(['APACHE_UNCLOSED_SECTION'])
  })

  it('every file read is listed once, root first', () => {
    const r = load({ 'httpd.conf': 'Include a.conf\nInclude a.conf\nInclude b.conf\n', 'a.conf': '', 'b.conf': '' })
    expect(r.files.map((f) => path.basename(f))).toEqual(['httpd.conf', 'a.conf', 'b.conf'])
  })

  it('a missing root file is an error, not a crash', () => {
    const dir = tree({})
    const r = loadAt(dir, path.join(dir, 'nope.conf'))
    expect(r.sink.items.map((d) => [d.code, d.severity])).toEqual([['APACHE_FILE_UNREADABLE', 'error']])
    expect(r.config.virtualHosts).toEqual([])
  })

  it('a binary included file is refused with APACHE_FILE_UNREADABLE at the Include', () => {
    const dir = tree({ 'httpd.conf': 'Include bin.conf\n' })
    fs.writeFileSync(path.join(dir, 'bin.conf'), Buffer.from([0x4c, 0x00, 0x01]))
    const r = loadAt(dir, path.join(dir, 'httpd.conf'))
    expect(r.sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_FILE_UNREADABLE', 1]])
  })

  it('a ServerRoot naming a folder that does not hold the configuration is emulated: absolute paths under it read from our root', () => {
    const r = load(
      {
        'conf/httpd.conf':
          'ServerRoot "/nonexistent/httpd"\nInclude /nonexistent/httpd/conf.d/a.conf\nInclude conf.d/b.conf\n',
        'conf.d/a.conf': 'Alias /a /a\n',
        'conf.d/b.conf': 'Alias /b /b\n'
      },
      { root: 'conf/httpd.conf' }
    )
    expect(r.codes).toEqual(['APACHE_SERVERROOT_EMULATED'])
    expect(aliases(r)).toEqual(['/a', '/b'])
  })

  it('a ServerRoot that holds the root file replaces the given one', () => {
    const dir = tree({ 'real/conf/httpd.conf': '', 'real/conf.d/a.conf': 'Alias /a /a\n' })
    fs.writeFileSync(
      path.join(dir, 'real/conf/httpd.conf'),
      `ServerRoot "${path.join(dir, 'real')}"\nInclude conf.d/a.conf\n`
    )
    const r = loadAt(dir, path.join(dir, 'real/conf/httpd.conf'))
    expect(r.codes).toEqual([])
    expect(aliases(r)).toEqual(['/a'])
  })

  it('mapAbsolute tells where absolute paths written for the runtime (AMS /etc/httpd/…) are on this machine', () => {
    const dir = tree({
      'httpd.conf': 'Include /etc/httpd/conf.d/variables/ootb.vars\n',
      'conf.d/variables/ootb.vars': 'Define DEFAULT_STAT_LEVEL 4'
    })
    const r = loadAt(dir, path.join(dir, 'httpd.conf'), { mapAbsolute: (p) => p.replace(/^\/etc\/httpd/, dir) })
    expect(r.codes).toEqual([])
    expect(r.config.defines.DEFAULT_STAT_LEVEL).toBe('4')
  })

  it('a symlink checked out as a text file with a missing target is reported (APACHE_UNRESOLVED_SYMLINK)', () => {
    const r = loadAt(DOT, path.join(DOT, 'httpd_bad_windows_includes.conf'))
    expect(r.sink.items.map((d) => [d.code, d.severity, d.category])).toEqual([
      ['APACHE_UNRESOLVED_SYMLINK', 'error', 'include']
    ])
  })

  it('a stray path line among other directives is an invalid command, as apache2 -t says', () => {
    const r = load({ 'httpd.conf': 'ServerName a\n../windows/x/hi.conf\nServerAdmin a@b.c' })
    expect(r.sink.items.map((d) => [d.code, d.pos?.line, d.message.split(',')[0]])).toEqual([
      ['APACHE_INVALID_COMMAND', 2, "Invalid command '../windows/x/hi.conf'"]
    ])
  })
})

describe('DOT httpd include fixtures', () => {
  it('httpd_with_includes.conf: 165 normalised lines, 2 VirtualHosts, the publish vhost at line 5 of mysite_publish.vhost', () => {
    const r = loadAt(DOT, path.join(DOT, 'httpd_with_includes.conf'))
    expect(r.lineCount).toBe(165)
    expect(r.sink.errors).toEqual([])
    const [publish, catchAll] = r.config.virtualHosts
    expect(r.config.virtualHosts).toHaveLength(2)
    expect([path.relative(DOT, publish.pos.file), publish.pos.line]).toEqual([
      'conf.d/enabled_vhosts/mysite_publish.vhost',
      5
    ])
    expect(catchAll.serverName?.value).toBe('unmatched-host-catch-all')
    expect(publish.settings.rewriteRules.map((x) => x.substitution)).toEqual([
      '-',
      '-',
      '-',
      '-',
      '/content/mysite/us/en.html',
      '/content/mysite/$1'
    ])
  })

  it('a missing direct Include and a missing glob Include give exactly one error each; IncludeOptional stays silent', () => {
    for (const f of ['httpd_with_failed_include.conf', 'httpd_with_failed_wildcard_include.conf']) {
      const dir = path.join(DOT, 'no_file_to_include')
      const r = loadAt(dir, path.join(dir, f))
      expect(r.sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_INCLUDE_MISSING', 2]])
    }
  })

  it('infinite.conf including itself ends in one APACHE_INCLUDE_LIMIT error at its Include line', () => {
    const dir = path.join(DOT, 'infinite_include')
    const r = loadAt(dir, path.join(dir, 'httpd_with_infinite_includes.conf'))
    expect(r.sink.errors.map((d) => [d.code, path.basename(d.pos!.file), d.pos?.line])).toEqual([
      ['APACHE_INCLUDE_LIMIT', 'infinite.conf', 7]
    ])
  })

  it('the include bomb httpd_with_large_includes.conf (7,810 includes) is refused in well under 2 seconds', () => {
    const started = performance.now()
    const r = loadAt(DOT, path.join(DOT, 'httpd_with_large_includes.conf'))
    const ms = performance.now() - started
    expect(ms).toBeLessThan(2000)
    expect(r.sink.errors.map((d) => d.code)).toEqual(['APACHE_INCLUDE_LIMIT'])
    expect(r.sink.errors[0].message).toContain('1,000,000')
    expect(r.config.virtualHosts).toEqual([])
  })
})

describe('wildcard Includes as httpd walks them (apache2 -t 2.4.68)', () => {
  const errors = (r: ReturnType<typeof load>): string[] =>
    r.sink.items.filter((d) => d.severity === 'error').map((d) => `${d.pos?.line}: ${d.message}`)

  it('a wildcard folder where one matched folder lacks the file: Include is refused, IncludeOptional not', () => {
    const files = { 'sites/a/vhost.conf': 'Alias /a /a\n', 'sites/b/other.conf': 'Alias /b /b\n' }
    const r = load({ 'httpd.conf': 'KeepAlive On\nInclude sites/*/vhost.conf\n', ...files })
    expect(errors(r)).toEqual([
      `2: Could not open configuration file ${path.join(r.dir, 'sites/b/vhost.conf')}: No such file or directory`
    ])
    const o = load({ 'httpd.conf': 'IncludeOptional sites/*/vhost.conf\n', ...files })
    expect(errors(o)).toEqual([])
    expect(aliases(o)).toEqual(['/a'])
  })

  it('a wildcard takes the files of matched sub-folders too', () => {
    const r = load({ 'httpd.conf': 'Include d/*\n', 'd/sub/a.conf': 'Alias /a /a\n', 'd/b.conf': 'Alias /b /b\n' })
    expect(errors(r)).toEqual([])
    expect(aliases(r)).toEqual(['/b', '/a'])
  })

  it('a wildcard ending in "/" names the matched folders, not the files beside them (no include loop)', () => {
    const r = load(
      { 'conf/httpd.conf': 'Include conf/*/\n', 'conf/d/a.conf': 'Alias /a /a\n' },
      { root: 'conf/httpd.conf' }
    )
    expect(errors(r)).toEqual([])
    expect(aliases(r)).toEqual(['/a'])
  })

  it('an escaped wildcard is a literal name', () => {
    const r = load(
      { 'conf/httpd.conf': 'Include conf/\\*.conf\n', 'conf/a.conf': 'Alias /a /a\n' },
      { root: 'conf/httpd.conf' }
    )
    expect(errors(r)).toEqual([
      `1: Could not open configuration file ${path.join(r.dir, 'conf/\\*.conf')}: No such file or directory (Include needs existing files; use IncludeOptional if it may be absent)`
    ])
  })

  it('a missing folder before a wildcard', () => {
    const r = load({ 'httpd.conf': 'Include nodir/*.conf\n' })
    expect(errors(r)).toEqual([
      `1: Include/IncludeOptional: Could not open directory ${path.join(r.dir, 'nodir')}: No such file or directory (Include needs existing files; use IncludeOptional if it may be absent)`
    ])
    expect(errors(load({ 'httpd.conf': 'IncludeOptional nodir/*.conf\n' }))).toEqual([])
  })
})
