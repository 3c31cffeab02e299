import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LOADED_MODULES } from '../../../../src/main/engine/config/apache/load'
import { load, only } from './helpers'

const aliasTargets = (r: ReturnType<typeof load>): string[] => r.config.server.aliases.map((a) => a.to)

describe('Define and ${VAR}', () => {
  it('${VAR} is expanded in every argument at read time, so a later Define does not change earlier lines', () => {
    const r = load({ 'httpd.conf': 'Alias /a ${X}\nDefine X one\nAlias /b ${X}/${X}\nDefine X two\nAlias /c "${X}"\n' })
    expect(aliasTargets(r)).toEqual(['${X}', 'one/one', 'two'])
  })

  it('Define is global even inside a VirtualHost', () => {
    const r = load({ 'httpd.conf': '<VirtualHost *:80>\nDefine SITE wknd\n</VirtualHost>\nAlias /s /${SITE}\n' })
    expect(aliasTargets(r)).toEqual(['/wknd'])
    expect(r.config.defines.SITE).toBe('wknd')
  })

  it('Defines win over the environment; the environment fills the rest', () => {
    const r = load({ 'httpd.conf': 'Define A def\nAlias /x ${A}-${B}\n' }, { env: { A: 'env', B: 'b' } })
    expect(aliasTargets(r)).toEqual(['def-b'])
  })

  it('an undefined ${VAR} stays literal with a VAR_UNDEFINED warning at its position (httpd AH00111)', () => {
    const r = load({ 'httpd.conf': 'Listen 80\n  DocumentRoot "${DOCROOT}"\n' })
    expect(r.sink.items.map((d) => [d.code, d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['VAR_UNDEFINED', 'warning', 2, 17]
    ])
    expect(r.config.documentRoot?.value).toBe('${DOCROOT}')
  })

  it('a RewriteMap lookup ${map:key} is not a variable and draws no warning', () => {
    const r = load({ 'httpd.conf': 'RewriteRule ^/(.*) ${redirects:$1|/} [R]\n' })
    expect(r.codes).toEqual([])
    expect(r.config.server.rewriteRules[0].substitution).toBe('${redirects:$1|/}')
  })

  it('the whole line is expanded before it is split, so a value with blanks becomes several arguments', () => {
    const r = load({
      'httpd.conf': 'Define HOSTS "a.com b.com"\n<VirtualHost *:80>\nServerAlias ${HOSTS}\n</VirtualHost>\n'
    })
    expect(r.config.virtualHosts[0].serverAliases.map((a) => a.value)).toEqual(['a.com', 'b.com'])
  })

  it('a line read again (included twice) warns about an undefined variable once', () => {
    const r = load({ 'httpd.conf': 'Include a.conf\nInclude a.conf\n', 'a.conf': 'Alias /a ${NOPE}\n' })
    expect(only(r.sink.items, 'VAR_UNDEFINED')).toHaveLength(1)
  })

  it('UnDefine removes a define', () => {
    const r = load({ 'httpd.conf': 'Define X 1\nUnDefine X\n<IfDefine X>\nAlias /x /x\n</IfDefine>\n' })
    expect(r.config.server.aliases).toEqual([])
    expect(r.config.defines).toEqual({})
  })

  it('Define without a value keeps a value defined earlier, as httpd does', () => {
    const r = load({ 'httpd.conf': 'Define X 1\nDefine X\nAlias /x ${X}\n' })
    expect(aliasTargets(r)).toEqual(['1'])
  })

  it("an empty value (Define X '') keeps the earlier one too: AMS's ams_default.vars cannot blank ootb.vars' scheme that way", () => {
    const r = load({
      'httpd.conf':
        "Define S 'https://'\nDefine S ''\nDefine T \"\"\nAlias /x ${S}\n<IfDefine T>\nAlias /t /t\n</IfDefine>\n"
    })
    expect(aliasTargets(r)).toEqual(['https://', '/t'])
  })

  it('Define without a value (or with an empty one) defines no variable: ${X} stays literal with a warning (AH00111)', () => {
    const r = load({
      'httpd.conf':
        'Define X\nDefine Y ""\nAlias /x ${X}\nAlias /y ${Y}\n<IfDefine X>\n<IfDefine Y>\nAlias /t /t\n</IfDefine>\n</IfDefine>\n'
    })
    expect(aliasTargets(r)).toEqual(['${X}', '${Y}', '/t'])
    expect(only(r.sink.items, 'VAR_UNDEFINED').map((d) => d.pos?.line)).toEqual([3, 4])
    expect(r.config.defines).toEqual({ X: '', Y: '' })
  })

  it('Define without a value lets the environment give ${X}, as httpd falls back to getenv', () => {
    const r = load({ 'httpd.conf': 'Define X\nAlias /x ${X}\n' }, { env: { X: 'from-env' } })
    expect(aliasTargets(r)).toEqual(['from-env'])
  })

  it("a Define name containing ':' is refused", () => {
    expect(load({ 'httpd.conf': 'Define a:b 1\n' }).codes).toEqual(['APACHE_BAD_ARGUMENT'])
  })
})

describe('conditional sections', () => {
  it('<IfDefine X> tests whether X is defined, not its value: Define ENABLE_COMMERCE_PROXY 0 is defined', () => {
    const r = load({
      'httpd.conf':
        'Define ENABLE_COMMERCE_PROXY 0\n<IfDefine ENABLE_COMMERCE_PROXY>\nAlias /yes /yes\n</IfDefine>\n<IfDefine !ENABLE_COMMERCE_PROXY>\nAlias /no /no\n</IfDefine>\n'
    })
    expect(aliasTargets(r)).toEqual(['/yes'])
  })

  it('<IfDefine !X> loads its content when X is not defined; environment variables are not defines', () => {
    const r = load(
      { 'httpd.conf': '<IfDefine !X>\nAlias /a /a\n</IfDefine>\n<IfDefine X>\nAlias /b /b\n</IfDefine>\n' },
      { env: { X: '1' } }
    )
    expect(aliasTargets(r)).toEqual(['/a'])
  })

  it('the content of a false branch is not loaded at all: no Include, no Define, no variable warning', () => {
    const r = load({
      'httpd.conf':
        '<IfDefine NOPE>\n  Include missing.conf\n  Define LEAK 1\n  Alias /x ${UNSET}\n  <VirtualHost *:80>\n  </VirtualHost>\n</IfDefine>\n'
    })
    expect(r.sink.items).toEqual([])
    expect(r.config.defines).toEqual({})
    expect(r.config.virtualHosts).toEqual([])
    expect(r.files).toHaveLength(1)
  })

  it('nested conditions combine', () => {
    const r = load({ 'httpd.conf': 'Define A\n<IfDefine A>\n<IfDefine !B>\nAlias /ab /ab\n</IfDefine>\n</IfDefine>\n' })
    expect(aliasTargets(r)).toEqual(['/ab'])
  })

  it('<IfModule> accepts the source file name and the module identifier of a loaded module', () => {
    const r = load(
      {
        'httpd.conf':
          '<IfModule disp_apache2.c>\nAlias /a /a\n</IfModule>\n<IfModule rewrite_module>\nAlias /b /b\n</IfModule>\n<IfModule mod_nope.c>\nAlias /c /c\n</IfModule>\n<IfModule !mod_nope.c>\nAlias /d /d\n</IfModule>\n'
      },
      { modules: DEFAULT_LOADED_MODULES }
    )
    expect(aliasTargets(r)).toEqual(['/a', '/b', '/d'])
  })

  it('DEFAULT_LOADED_MODULES is the AEMaaCS image: dispatcher as disp_apache2.c, rewrite, headers, both spellings', () => {
    for (const m of [
      'disp_apache2.c',
      'dispatcher_module',
      'mod_dispatcher.c',
      'mod_rewrite.c',
      'rewrite_module',
      'mod_headers.c',
      'headers_module',
      'mod_setenvif.c',
      'mod_proxy_http.c',
      'mod_deflate.c',
      'mod_expires.c',
      'mod_mime.c',
      'mod_dir.c',
      'mod_alias.c',
      'mod_env.c',
      'mod_remoteip.c',
      'mod_ssl.c',
      'mod_security2.c',
      'mod_filter.c',
      'mod_substitute.c'
    ]) {
      expect(DEFAULT_LOADED_MODULES).toContain(m)
    }
  })

  it('with no modules given, only LoadModule makes a module loaded (module file name derived from the .so)', () => {
    const r = load(
      {
        'httpd.conf':
          '<IfModule mod_rewrite.c>\nAlias /before /x\n</IfModule>\nLoadModule rewrite_module modules/mod_rewrite.so\n<IfModule mod_rewrite.c>\nAlias /after /x\n</IfModule>\n<IfModule rewrite_module>\nAlias /id /x\n</IfModule>\n'
      },
      { modules: [] }
    )
    expect(r.config.server.aliases.map((a) => a.from)).toEqual(['/after', '/id'])
  })

  it("a whole server's httpd.conf that loads mod_mime names its modules: the runtime's list is not used", () => {
    const conf = (loads: string) =>
      `${loads}\n<IfModule headers_module>\nAlias /headers /x\n</IfModule>\nInclude conf.modules.d/*.conf\n<IfModule mod_rewrite.c>\nAlias /rewrite /x\n</IfModule>\n`
    const declared = load(
      {
        'httpd.conf': conf('LoadModule dispatcher_module modules/mod_dispatcher.so'),
        'conf.modules.d/00-base.conf':
          'LoadModule mime_module modules/mod_mime.so\nLoadModule rewrite_module modules/mod_rewrite.so\n'
      },
      { declaresModules: true }
    )
    expect(declared.config.server.aliases.map((a) => a.from)).toEqual(['/rewrite'])
    expect(declared.config.modules).not.toContain('dir_module')
    // AMS projects that commit only 02-dispatcher.conf: the runtime's list stands in for RHEL's 00-base.conf.
    const partial = load(
      {
        'httpd.conf': conf(''),
        'conf.modules.d/02-dispatcher.conf': 'LoadModule dispatcher_module modules/mod_dispatcher.so\n'
      },
      { declaresModules: true }
    )
    expect(partial.config.server.aliases.map((a) => a.from)).toEqual(['/headers', '/rewrite'])
    expect(partial.config.modules).toContain('dir_module')
  })

  it('LoadModule dispatcher_module makes <IfModule disp_apache2.c> true', () => {
    const r = load(
      {
        'httpd.conf':
          'LoadModule dispatcher_module modules/mod_dispatcher.so\n<IfModule disp_apache2.c>\nDispatcherLogLevel 3\n</IfModule>\n'
      },
      { modules: [] }
    )
    expect(r.config.server.dispatcher.DispatcherLogLevel?.value).toBe('3')
  })

  it('<IfFile> tests a path relative to ServerRoot, with ! negating', () => {
    const r = load({
      'httpd.conf':
        '<IfFile opt-in/USE_SOURCES_DIRECTLY>\nAlias /flex /x\n</IfFile>\n<IfFile !opt-in/managed-rewrite-maps.yaml>\nAlias /nomaps /x\n</IfFile>\n<IfFile opt-in/managed-rewrite-maps.yaml>\nAlias /maps /x\n</IfFile>\n',
      'opt-in/USE_SOURCES_DIRECTLY': ''
    })
    expect(r.config.server.aliases.map((a) => a.from)).toEqual(['/flex', '/nomaps'])
    expect(r.watchDirs).toContain(path.join(r.dir, 'opt-in'))
  })

  it('<IfVersion> compares with httpd 2.4.x: >= 2.4 is true, < 2.4 false, = 2.4 means 2.4.0, ~ matches a regex', () => {
    const r = load({
      'httpd.conf': [
        '<IfVersion >= 2.4>\nAlias /ge24 /x\n</IfVersion>',
        '<IfVersion < 2.4>\nAlias /lt24 /x\n</IfVersion>',
        '<IfVersion 2.4>\nAlias /eq24 /x\n</IfVersion>',
        '<IfVersion >=2.2.0>\nAlias /ge22 /x\n</IfVersion>',
        '<IfVersion ~ ^2\\.4>\nAlias /re /x\n</IfVersion>',
        '<IfVersion !< 2.4>\nAlias /notlt /x\n</IfVersion>'
      ].join('\n')
    })
    expect(r.codes).toEqual([])
    expect(r.config.server.aliases.map((a) => a.from)).toEqual(['/ge24', '/ge22', '/re', '/notlt'])
  })

  it('<IfDirective> and <IfSection> ask whether a loaded module provides the name', () => {
    const r = load(
      {
        'httpd.conf':
          '<IfDirective RewriteRule>\nAlias /rw /x\n</IfDirective>\n<IfDirective !NoSuchDirective>\nAlias /none /x\n</IfDirective>\n<IfSection VirtualHost>\nAlias /vh /x\n</IfSection>\n<IfSection Proxy>\nAlias /proxy /x\n</IfSection>\n'
      },
      { modules: ['rewrite_module'] }
    )
    expect(r.config.server.aliases.map((a) => a.from)).toEqual(['/rw', '/none', '/vh'])
  })

  it('a conditional section without an argument is an error and its content is skipped', () => {
    const r = load({ 'httpd.conf': '<IfDefine>\nAlias /x /x\n</IfDefine>\n' })
    expect(r.codes).toEqual(['APACHE_BAD_CONDITION'])
    expect(r.config.server.aliases).toEqual([])
  })
})

describe('a conditional section left open at the end of the file (apache2 -t 2.4.68)', () => {
  const unclosed = (conf: string, opts: Parameters<typeof load>[1] = {}): string[] =>
    only(load({ 'httpd.conf': 'Include b.conf\n', 'b.conf': conf }, opts).sink.items, 'APACHE_UNCLOSED_SECTION').map(
      (d) => `${d.pos?.line}: ${d.message}`
    )

  it('is read to the end when true, with what it opened (Syntax OK)', () => {
    expect(unclosed('<IfModule rewrite_module>\nAlias /a /a\n')).toEqual([])
    expect(unclosed('<IfDefine !FOO>\nAlias /a /a\n')).toEqual([])
    expect(unclosed('<IfModule rewrite_module>\n<Directory /tmp>\nAlias /a /a\n')).toEqual([])
    const l = load({ 'httpd.conf': 'Include b.conf\n', 'b.conf': '<IfModule rewrite_module>\nAlias /a /b\n' })
    expect(l.config.server.aliases.map((a) => a.to)).toEqual(['/b'])
  })

  it('is refused when false, at its opening line', () => {
    expect(unclosed('<IfModule !rewrite_module>\nAlias /a /a\n')).toEqual([
      '1: Expected </IfModule> before end of configuration'
    ])
    expect(unclosed('<IfDefine FOO>\nAlias /a /a\n')).toEqual(['1: Expected </IfDefine> before end of configuration'])
    expect(unclosed('<IfModule rewrite_module>\n<Directory /tmp>\n<IfModule !rewrite_module>\n')).toEqual([
      '3: Expected </IfModule> before end of configuration'
    ])
  })

  it('does not excuse a section open around it', () => {
    expect(unclosed('<Directory /tmp>\n<IfModule rewrite_module>\nAlias /a /a\n')).toEqual([
      '1: <Directory> was not closed.'
    ])
  })
})

describe('a directive of a module the configuration does not load (apache2 -t: Invalid command)', () => {
  const invalid = (conf: string, declaresModules = true): string[] =>
    only(load({ 'httpd.conf': conf }, { declaresModules }).sink.items, 'APACHE_INVALID_COMMAND').map(
      (d) => `${d.pos?.line}: ${d.message}`
    )
  const MIME = 'LoadModule mime_module modules/mod_mime.so\n'

  it('is said where the configuration declares its modules', () => {
    expect(invalid(`${MIME}Header set X-Frame-Options SAMEORIGIN\n`)).toEqual([
      "2: Invalid command 'Header', perhaps misspelled or defined by a module not included in the server configuration; headers_module is not loaded (no LoadModule line for it): httpd refuses to start on it"
    ])
  })

  it('a LoadModule line after the directive still counts: httpd looks directives up once all is read', () => {
    const conf = `${MIME}Header set X 1\nLoadModule headers_module modules/mod_headers.so\nHeader set Y 1\n`
    expect(invalid(conf)).toEqual([])
  })

  it('not in a false <IfModule>, nor for core directives, nor where the runtime provides the modules', () => {
    expect(invalid(`${MIME}<IfModule headers_module>\nHeader set X 1\n</IfModule>\nKeepAlive On\n`)).toEqual([])
    expect(invalid('Header set X 1\n', false)).toEqual([])
    expect(invalid('Header set X 1\n')).toEqual([]) // no mod_mime: not a whole server's list
  })
})
