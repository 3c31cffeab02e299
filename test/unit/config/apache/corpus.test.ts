import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadAt, only, tree } from './helpers'

const CORPUS = '/work/shared/corpus'
const WKND = `${CORPUS}/adobe__aem-guides-wknd/dispatcher/src`
const SDK_IMAGE = `${CORPUS}/aem-design__docker-dispatcher-sdk/build/source/etc/httpd`
const AMS = `${CORPUS}/adobe__aem-dispatcher-docker/ams/2.6/etc/httpd`

describe('WKND dispatcher_vhost.conf (AEMaaCS layout)', () => {
  const builtIn = tree({ 'default.vars': 'Define FORCE_SSL 0\nDefine PUBLISH_FORCE_SSL 0\n' })
  const load = () =>
    loadAt(WKND, path.join(WKND, 'conf.d/dispatcher_vhost.conf'), {
      overlay: { 'conf.d/variables/default.vars': path.join(builtIn, 'default.vars') },
      env: { DOCROOT: '/mnt/var/www/html', AEM_HOST: 'localhost', AEM_PORT: '4503' }
    })

  it('loads its vhosts in order: test.proxy first, then wknd.vhost, then the catch-all', () => {
    const r = load()
    expect(r.sink.errors).toEqual([])
    expect(
      r.config.virtualHosts.map((v) => [v.serverName?.value, path.relative(WKND, v.pos.file), v.pos.line])
    ).toEqual([
      ['test.proxy', 'conf.d/dispatcher_vhost.conf', 275],
      ['publish', 'conf.d/enabled_vhosts/wknd.vhost', 11],
      ['unmatched-host-catch-all', 'conf.d/dispatcher_vhost.conf', 326]
    ])
    expect(r.config.virtualHosts[1].serverAliases.map((a) => a.value)).toEqual(['*'])
    expect(r.config.virtualHosts[1].documentRoot?.value).toBe('/mnt/var/www/html')
    expect(r.config.dispatcherConfig?.value).toBe('conf.dispatcher.d/dispatcher.any')
  })

  it('wknd.vhost has the baseline rewrites then its own, with [R=301,L,E=cdncache] and ${CONTENT_FOLDER_NAME} from custom.vars', () => {
    const wknd = load().config.virtualHosts[1].settings
    expect(wknd.rewriteEngine).toBe(true)
    const rules = wknd.rewriteRules
    expect(rules.map((x) => x.flags.join(','))).toEqual([
      'R=204,L',
      'F',
      'F',
      'F',
      'F,NC,L',
      'PT',
      'R=301,L,E=cdncache',
      'R=301,L,E=cdncache',
      'R=301,L,E=cdncache',
      'PT,L'
    ])
    expect(rules[6].conds.map((c) => [c.testString, c.pattern, c.flags])).toEqual([
      ['%{HTTP_HOST}', 'www.wknd.site', ['nc']]
    ])
    expect(path.basename(rules[6].pos.file)).toBe('rewrite.rules')
    expect(rules[9].substitution).toBe('/content/wknd/$1')
    expect(rules[9].conds).toHaveLength(11)
  })

  it('wknd.vhost keeps SetEnvIfExpr, `Header always set`, ErrorDocuments from Defines and the <Directory /> dispatcher handler', () => {
    const r = load()
    const wknd = r.config.virtualHosts[1].settings
    expect(wknd.setEnv.filter((s) => s.directive === 'SetEnvIfExpr')).toHaveLength(13)
    expect(wknd.setEnv[4].args).toEqual([
      "req_novary('Origin') -strcmatch 'https://%{HTTP_HOST}*'",
      'CORSType=samedomain',
      'CORSProcessing=false',
      'CORSTrusted=true'
    ])
    expect(wknd.headers.find((h) => h.args[2] === 'Access-Control-Max-Age' && h.args[0] === 'always')?.args).toEqual([
      'always',
      'set',
      'Access-Control-Max-Age',
      '1800',
      "expr=reqenv('CORSTrusted') == 'true'"
    ])
    expect(wknd.errorDocuments.map((e) => [e.status, e.document])).toEqual([
      [404, '/content/wknd/us/en/errors/404.html'],
      [500, '/content/wknd/us/en/errors/500.html'],
      [502, '/content/wknd/us/en/errors/500.html'],
      [503, '/content/wknd/us/en/errors/500.html'],
      [504, '/content/wknd/us/en/errors/500.html']
    ])
    expect(wknd.dispatcher.DispatcherPassError?.value).toBe('1')
    const root = wknd.scopes.find((s) => s.kind === 'Directory' && s.arg === '/')!
    expect(root.settings.setHandler?.value).toBe('dispatcher-handler')
    expect(root.settings.other.DirectorySlash?.value).toEqual(['Off'])
    expect(wknd.scopes.filter((s) => s.kind === 'LocationMatch')).toHaveLength(10)
    expect(r.config.defines).toMatchObject({ CONTENT_FOLDER_NAME: 'wknd', DISABLE_DEFAULT_CACHING: '', FORCE_SSL: '0' })
  })

  it('DISABLE_DEFAULT_CACHING (global.vars) switches off the default Expires block; managed rewrite maps absent → legacy probe locations', () => {
    const r = load()
    expect(r.config.server.other.ExpiresActive).toBeUndefined()
    const locations = r.config.server.scopes.filter((s) => s.kind === 'Location').map((s) => s.arg)
    expect(locations).toEqual(['/systemready', '/system/probes/health', '/system/probes/ready'])
    expect(r.config.server.scopes.find((s) => s.arg === '/systemready')?.settings.proxyPass[0].args).toEqual([
      'http://localhost:4503/system/probes/health'
    ])
  })

  it('without the overlay, the runtime-provided default.vars is a missing Include at dispatcher_vhost.conf:10:1', () => {
    const r = loadAt(WKND, path.join(WKND, 'conf.d/dispatcher_vhost.conf'))
    expect(r.sink.errors.map((d) => [d.code, path.relative(WKND, d.pos!.file), d.pos?.line, d.pos?.column])).toEqual([
      ['APACHE_INCLUDE_MISSING', 'conf.d/dispatcher_vhost.conf', 10, 1]
    ])
    expect(only(r.sink.items, 'VAR_UNDEFINED').some((d) => d.message.includes('${DOCROOT}'))).toBe(true)
  })
})

describe('AEMaaCS SDK image httpd.conf', () => {
  it('loads from conf/httpd.conf with ServerRoot "/etc/httpd" emulated by the image folder: modules, vhosts, DispatcherConfig', () => {
    const r = loadAt(SDK_IMAGE, path.join(SDK_IMAGE, 'conf/httpd.conf'), {
      modules: [],
      env: { DOCROOT: '/mnt/var/www/html' }
    })
    // The image alone has no customer vhost: the project's are copied in when the container starts.
    expect(r.sink.errors.map((d) => [d.code, path.relative(SDK_IMAGE, d.pos!.file), d.pos?.line])).toEqual([
      ['APACHE_INCLUDE_MISSING', 'conf.d/enabled_vhosts/vhosts.conf', 2]
    ])
    expect(r.codes).toContain('APACHE_SERVERROOT_EMULATED')
    expect(r.config.virtualHosts.map((v) => v.serverName?.value)).toEqual(['test.proxy', 'unmatched-host-catch-all'])
    // Only the LoadModule lines of conf.modules.d made <IfModule disp_apache2.c> true here.
    expect(r.config.dispatcherConfig?.value).toBe('conf.dispatcher.d/dispatcher.any')
    expect(r.config.server.other.DirectoryIndex?.value).toEqual(['index.html'])
    expect(r.files).toContain(path.join(SDK_IMAGE, 'conf.d/variables/default.vars'))
  })
})

describe('AMS 2.6 /etc/httpd (adobe/aem-dispatcher-docker)', () => {
  // The corpus has no conf/httpd.conf for this set; a stand-in loads what the stock one does.
  const root = path.join(
    tree({ 'httpd.conf': 'Include conf.modules.d/*.conf\nIncludeOptional conf.d/*.conf\n' }),
    'httpd.conf'
  )

  it('absolute /etc/httpd includes are missing-file errors with their positions, not crashes', () => {
    const r = loadAt(AMS, root)
    expect(r.sink.errors.map((d) => [d.code, path.relative(AMS, d.pos!.file), d.pos?.line, d.pos?.column])).toEqual([
      ['APACHE_INCLUDE_MISSING', 'conf.d/000_init_ootb_vars.conf', 1, 1],
      ['APACHE_INCLUDE_MISSING', 'conf.d/dispatcher_vhost.conf', 31, 1]
    ])
    expect(r.config.virtualHosts.map((v) => v.serverName?.value)).toEqual(['unmatched-host-catch-all'])
  })

  it('with mapAbsolute /etc/httpd → the set, the variables load (DEFAULT_STAT_LEVEL 4); only the run-time-created enabled_vhosts stay missing', () => {
    const r = loadAt(AMS, root, { mapAbsolute: (p) => p.replace(/^\/etc\/httpd(?=\/|$)/, AMS) })
    expect(r.sink.errors.map((d) => [d.code, path.relative(AMS, d.pos!.file), d.pos?.line])).toEqual([
      ['APACHE_INCLUDE_MISSING', 'conf.d/dispatcher_vhost.conf', 31]
    ])
    expect(r.config.defines.DEFAULT_STAT_LEVEL).toBe('4')
    const catchAll = r.config.virtualHosts[0].settings
    expect(catchAll.rewriteRules.map((x) => [x.pattern, x.substitution, x.flags])).toEqual([
      ['^/*', '/index.html', ['F', 'L', 'NC']]
    ])
    expect(catchAll.rewriteEngine).toBe(true)
  })
})
