import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { otherOccurrences, type VhostSettingsWithList } from '../../../../src/main/engine/config/apache/settings'
import { load } from './helpers'

const vhost = (body: string): string => `<VirtualHost *:80>\n${body}\n</VirtualHost>\n`

describe('virtual hosts and the server context', () => {
  it('a VirtualHost has its addresses, ServerName, every ServerAlias name ("*" quoted) and DocumentRoot', () => {
    const r = load({
      'httpd.conf': vhost(
        'ServerName\t"publish"\nServerAlias www.a.com a.com\nServerAlias "*"\nDocumentRoot /mnt/var/www/html\nDispatcherConfig conf.dispatcher.d/site.any'
      ).replace('*:80', '*:80 *:8080')
    })
    const [v] = r.config.virtualHosts
    expect(v.addresses).toEqual(['*:80', '*:8080'])
    expect(v.serverName).toEqual({
      value: 'publish',
      pos: { file: path.join(r.dir, 'httpd.conf'), line: 2, column: 1 }
    })
    expect(v.serverAliases.map((a) => [a.value, a.pos?.line])).toEqual([
      ['www.a.com', 3],
      ['a.com', 3],
      ['*', 4]
    ])
    expect(v.documentRoot?.value).toBe('/mnt/var/www/html')
    expect(v.dispatcherConfig?.value).toBe('conf.dispatcher.d/site.any')
    expect(v.settings.dispatcher.DispatcherConfig?.value).toBe('conf.dispatcher.d/site.any')
  })

  it("a VirtualHost without DocumentRoot has the main server's, even one set after it (httpd merges once all is read)", () => {
    const r = load({
      'httpd.conf':
        '<VirtualHost *:80>\nServerName a\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\nDocumentRoot /srv/b\n</VirtualHost>\nDocumentRoot /srv/main\n'
    })
    const [a, b] = r.config.virtualHosts
    expect(a.documentRoot).toEqual({
      value: '/srv/main',
      pos: { file: path.join(r.dir, 'httpd.conf'), line: 8, column: 1 }
    })
    expect(b.documentRoot?.value).toBe('/srv/b')
  })

  it('ServerName, DocumentRoot and DispatcherConfig outside any VirtualHost are the server-wide ones, kept as written (ServerRoot-relative)', () => {
    const r = load({
      'httpd.conf':
        'ServerName dispatcher\nDocumentRoot htdocs\n<IfModule disp_apache2.c>\nDispatcherConfig conf.dispatcher.d/dispatcher.any\n</IfModule>\n'
    })
    expect(r.config.serverName?.value).toBe('dispatcher')
    expect(r.config.documentRoot?.value).toBe('htdocs')
    expect(r.config.dispatcherConfig?.value).toBe('conf.dispatcher.d/dispatcher.any')
    expect(r.config.server.dispatcher.DispatcherConfig?.pos?.line).toBe(4)
  })

  it('virtual hosts keep file order across includes (the first one is the default)', () => {
    const r = load({
      'httpd.conf': vhost('ServerName first') + 'Include vhosts/*.vhost\n' + vhost('ServerName last'),
      'vhosts/b.vhost': vhost('ServerName b'),
      'vhosts/a.vhost': vhost('ServerName a')
    })
    expect(r.config.virtualHosts.map((v) => v.serverName?.value)).toEqual(['first', 'a', 'b', 'last'])
  })

  it('a VirtualHost inside a VirtualHost is refused (APACHE_MISPLACED_SECTION)', () => {
    const r = load({ 'httpd.conf': vhost('<VirtualHost *:81>\nServerName inner\n</VirtualHost>') })
    expect(r.codes).toEqual(['APACHE_MISPLACED_SECTION'])
    expect(r.config.virtualHosts).toHaveLength(1)
  })
})

describe('mod_rewrite directives', () => {
  it('a RewriteRule carries the RewriteConds written before it, flags split on commas without brackets', () => {
    const r = load({
      'httpd.conf': vhost(
        'RewriteEngine On\nRewriteCond %{HTTP_HOST} www.wknd.site [NC]\nRewriteCond %{REQUEST_URI} !^/x [NC,OR]\nRewriteRule ^(.*)$ https://wknd.site%{REQUEST_URI} [R=301,L,E=cdncache]\nRewriteRule "^(/?)$" "/index.html" [PT]'
      )
    })
    const [first, second] = r.config.virtualHosts[0].settings.rewriteRules
    expect(first.pattern).toBe('^(.*)$')
    expect(first.substitution).toBe('https://wknd.site%{REQUEST_URI}')
    expect(first.flags).toEqual(['R=301', 'L', 'E=cdncache'])
    expect(first.conds.map((c) => [c.testString, c.pattern, c.flags, c.pos.line])).toEqual([
      ['%{HTTP_HOST}', 'www.wknd.site', ['nc'], 3],
      ['%{REQUEST_URI}', '!^/x', ['nc', 'or'], 4]
    ])
    expect(first.pos.line).toBe(5)
    expect([second.pattern, second.substitution, second.flags, second.conds]).toEqual([
      '^(/?)$',
      '/index.html',
      ['PT'],
      []
    ])
  })

  it('RewriteConds attach only to a RewriteRule of the same context; left-over ones are reported', () => {
    const r = load({
      'httpd.conf': vhost('RewriteCond %{HTTPS} off\n<Directory />\nRewriteRule ^ - [F]\n</Directory>')
    })
    expect(r.config.virtualHosts[0].settings.scopes[0].settings.rewriteRules[0].conds).toEqual([])
    expect(r.sink.items.map((d) => [d.code, d.severity, d.pos?.line])).toEqual([
      ['APACHE_DANGLING_REWRITECOND', 'warning', 2]
    ])
  })

  it('a RewriteCond in an included file still belongs to the rule after the Include', () => {
    const r = load({
      'httpd.conf': vhost('Include cond.rules\nRewriteRule ^ - [F]'),
      'cond.rules': 'RewriteCond %{HTTP_USER_AGENT} ^.*wordpress [NC]\n'
    })
    expect(r.config.virtualHosts[0].settings.rewriteRules[0].conds.map((c) => c.pattern)).toEqual(['^.*wordpress'])
  })

  it('backslash-continued RewriteCond reads as one line', () => {
    const r = load({ 'httpd.conf': 'RewriteCond %{REQUEST_URI} \\\n  !^/content\nRewriteRule ^ - [F]\n' })
    expect(r.config.server.rewriteRules[0].conds.map((c) => [c.testString, c.pattern])).toEqual([
      ['%{REQUEST_URI}', '!^/content']
    ])
  })

  it('RewriteEngine takes On or Off in any case; anything else is an error', () => {
    const r = load({ 'httpd.conf': 'RewriteEngine oFF\n' + vhost('RewriteEngine maybe') })
    expect(r.config.server.rewriteEngine).toBe(false)
    expect(r.config.virtualHosts[0].settings.rewriteEngine).toBeUndefined()
    expect(r.codes).toEqual(['APACHE_BAD_ARGUMENT'])
  })

  it('RewriteRule flags without brackets are reported but kept', () => {
    const r = load({ 'httpd.conf': 'RewriteRule ^/a /b L,R\n' })
    expect(r.codes).toEqual(['APACHE_BAD_ARGUMENT'])
    expect(r.config.server.rewriteRules[0].flags).toEqual(['L', 'R'])
  })

  it('RewriteMap txt sources resolve against ServerRoot; int maps keep the function name; RewriteOptions are kept', () => {
    const r = load({
      'httpd.conf':
        'RewriteMap redirects txt:conf.d/maps/redirects.txt\nRewriteMap lc int:tolower\nRewriteOptions Inherit IgnoreInherit\n',
      'conf.d/maps/redirects.txt': '/old /new\n'
    })
    expect(r.config.server.rewriteMaps.map((m) => [m.name, m.type, m.source])).toEqual([
      ['redirects', 'txt', path.join(r.dir, 'conf.d/maps/redirects.txt')],
      ['lc', 'int', 'tolower']
    ])
    expect(r.config.server.rewriteOptions).toEqual(['Inherit', 'IgnoreInherit'])
  })
})

describe('other directives in the model', () => {
  it('Header and RequestHeader keep their arguments as written after variable expansion', () => {
    const r = load({
      'httpd.conf':
        'Define V publish\n' +
        vhost(`Header always set X-Vhost "\${V}" "expr=%{REQUEST_STATUS} < 400"\nRequestHeader unset Origin`)
    })
    expect(r.config.virtualHosts[0].settings.headers.map((h) => [h.directive, h.args])).toEqual([
      ['Header', ['always', 'set', 'X-Vhost', 'publish', 'expr=%{REQUEST_STATUS} < 400']],
      ['RequestHeader', ['unset', 'Origin']]
    ])
  })

  it('SetEnvIf, SetEnvIfNoCase and SetEnvIfExpr are kept in order', () => {
    const r = load({
      'httpd.conf': `SetEnvIf User-agent .*Azure\\sTraffic\\sManager.* trafficmanager\nSetEnvIfNoCase Request_URI \\.(?:gif|jpe?g|png)$ no-gzip dont-vary\nSetEnvIfExpr "req_novary('Origin') == ''" CORSType=none\n`
    })
    expect(r.config.server.setEnv.map((s) => [s.directive, s.args])).toEqual([
      ['SetEnvIf', ['User-agent', '.*Azure\\sTraffic\\sManager.*', 'trafficmanager']],
      ['SetEnvIfNoCase', ['Request_URI', '\\.(?:gif|jpe?g|png)$', 'no-gzip', 'dont-vary']],
      ['SetEnvIfExpr', ["req_novary('Origin') == ''", 'CORSType=none']]
    ])
  })

  it('ErrorDocument keeps paths, URLs and default, marks a text message with a leading quote as httpd does, and refuses a bad status', () => {
    const r = load({
      'httpd.conf':
        'ErrorDocument 404 /404.html\nErrorDocument 502 https://example.com/down\nErrorDocument 500 "The server made a boo boo."\nErrorDocument 503 Default\nErrorDocument 4040 /x\n'
    })
    expect(r.config.server.errorDocuments.map((e) => [e.status, e.document])).toEqual([
      [404, '/404.html'],
      [502, 'https://example.com/down'],
      [500, '"The server made a boo boo.'],
      [503, 'Default']
    ])
    expect(r.codes).toEqual(['APACHE_BAD_ARGUMENT'])
  })

  it('Alias, AliasMatch, ScriptAlias and ScriptAliasMatch map from a URL to a target', () => {
    const r = load({
      'httpd.conf':
        'Alias "/system/probes/live" probes/live-status.json\nAliasMatch ^/x(.*) /y$1\nScriptAlias /cgi-bin/ "/var/www/cgi-bin/"\n' +
        'ScriptAliasMatch ^/cgi/(.*) /var/www/cgi-bin/$1\n'
    })
    expect(r.config.server.aliases.map((a) => [a.directive, a.from, a.to])).toEqual([
      ['Alias', '/system/probes/live', 'probes/live-status.json'],
      ['AliasMatch', '^/x(.*)', '/y$1'],
      ['ScriptAlias', '/cgi-bin/', '/var/www/cgi-bin/'],
      ['ScriptAliasMatch', '^/cgi/(.*)', '/var/www/cgi-bin/$1']
    ])
  })

  it('every Dispatcher* directive is keyed by its documented spelling, last one wins', () => {
    const r = load({
      'httpd.conf':
        'dispatcherloglevel 3\nDISPATCHERPASSERROR 400-411,413-417\nDispatcherDeclineRoot 0\nDispatcherUseProcessedURL 1\nDispatcherKeepAliveTimeout 60\nDispatcherNoCanonURL On\nDispatcherRestrictUncacheableContent On\nDispatcherUseForwardedHost Off\nDispatcherNoServerHeader 1\nDispatcherLog logs/dispatcher.log\nDispatcherDeclineRoot 1\n'
    })
    const d = r.config.server.dispatcher
    expect(Object.keys(d).sort()).toEqual([
      'DispatcherDeclineRoot',
      'DispatcherKeepAliveTimeout',
      'DispatcherLog',
      'DispatcherLogLevel',
      'DispatcherNoCanonURL',
      'DispatcherNoServerHeader',
      'DispatcherPassError',
      'DispatcherRestrictUncacheableContent',
      'DispatcherUseForwardedHost',
      'DispatcherUseProcessedURL'
    ])
    expect(d.DispatcherPassError.value).toBe('400-411,413-417')
    expect([d.DispatcherDeclineRoot.value, d.DispatcherDeclineRoot.pos?.line]).toEqual(['1', 11])
  })

  it('SetHandler and ProxyPass/ProxyPassMatch/ProxyPassReverse are kept', () => {
    const r = load({
      'httpd.conf':
        '<Directory />\nSetHandler dispatcher-handler\n</Directory>\n<LocationMatch "/api/graphql">\nProxyPassMatch http://x$2\nProxyPassReverse http://x\n</LocationMatch>\n<Location "/systemready">\nProxyPass http://aem:4503/system/probes/health\n</Location>\n'
    })
    const [dir, lm, loc] = r.config.server.scopes
    expect(dir.settings.setHandler?.value).toBe('dispatcher-handler')
    expect(lm.settings.proxyPass.map((p) => [p.directive, p.args])).toEqual([
      ['ProxyPassMatch', ['http://x$2']],
      ['ProxyPassReverse', ['http://x']]
    ])
    expect(loc.settings.proxyPass[0].args).toEqual(['http://aem:4503/system/probes/health'])
  })

  it('other serving directives go to `other` by canonical name (last wins), every occurrence to otherList', () => {
    const r = load({
      'httpd.conf':
        'directoryslash Off\nAllowEncodedSlashes NoDecode\nModMimeUsePathInfo On\nExpiresActive On\nExpiresByType text/html A300\nExpiresByType image/png A600\nMIMEMagicFile conf/magic\n'
    })
    const s = r.config.server as VhostSettingsWithList
    expect(s.other.DirectorySlash?.value).toEqual(['Off'])
    expect(s.other.AllowEncodedSlashes?.value).toEqual(['NoDecode'])
    expect(s.other.ModMimeUsePathInfo?.value).toEqual(['On'])
    expect(s.other.ExpiresByType?.value).toEqual(['image/png', 'A600'])
    expect(s.other.MimeMagicFile?.value).toEqual(['conf/magic'])
    expect(otherOccurrences(s, 'expiresbytype').map((o) => o.args)).toEqual([
      ['text/html', 'A300'],
      ['image/png', 'A600']
    ])
  })

  it('unknown directives are kept in `other` as written and are never errors, only warnings in httpd words', () => {
    const r = load({ 'httpd.conf': 'MDomain example.com\nMadeUpDirective a b\n' })
    expect(r.sink.items.map((d) => [d.code, d.severity, d.pos?.line])).toEqual([
      ['APACHE_INVALID_COMMAND', 'warning', 1],
      ['APACHE_INVALID_COMMAND', 'warning', 2]
    ])
    expect(r.config.server.other.MadeUpDirective?.value).toEqual(['a', 'b'])
    expect(r.config.server.other.MDomain?.value).toEqual(['example.com'])
  })
})

describe('request scopes', () => {
  it('<Directory>, <Files> and <If> nest as scopes with their own settings', () => {
    const r = load(
      {
        'httpd.conf': vhost(
          '<Directory />\n  DirectorySlash Off\n  <Files "*.html">\n    Header set X-F 1\n  </Files>\n  <If "${FORCE} == 1">\n    RewriteRule (.*) https://%{SERVER_NAME}$1 [L,R=301]\n  </If>\n</Directory>'
        )
      },
      { env: { FORCE: '0' } }
    )
    const [dir] = r.config.virtualHosts[0].settings.scopes
    expect([dir.kind, dir.arg, dir.settings.other.DirectorySlash?.value]).toEqual(['Directory', '/', ['Off']])
    expect(dir.settings.scopes.map((s) => [s.kind, s.arg])).toEqual([
      ['Files', '*.html'],
      ['If', '0 == 1']
    ])
    expect(dir.settings.scopes[0].settings.headers[0].args).toEqual(['set', 'X-F', '1'])
    expect(dir.settings.scopes[1].settings.rewriteRules[0].flags).toEqual(['L', 'R=301'])
  })

  it('an Include inside <If> is read at load time whatever the condition (it is evaluated per request)', () => {
    const r = load({
      'httpd.conf': '<If "0 == 1">\nInclude force.rules\n</If>\n',
      'force.rules': 'RewriteRule (.*) https://x$1 [R]\n'
    })
    expect(r.config.server.scopes[0].settings.rewriteRules).toHaveLength(1)
  })

  it('<If>, <ElseIf> and <Else> are sibling scopes; an <Else> without <If> is an error', () => {
    const r = load({
      'httpd.conf': '<If "-T 1">\n</If>\n<ElseIf "-T 0">\n</ElseIf>\n<Else>\n</Else>\n<Else>\n</Else>\n'
    })
    expect(r.config.server.scopes.map((s) => [s.kind, s.arg])).toEqual([
      ['If', '-T 1'],
      ['ElseIf', '-T 0'],
      ['Else', ''],
      ['Else', '']
    ])
    expect(r.sink.items.map((d) => [d.code, d.pos?.line])).toEqual([['APACHE_MISPLACED_SECTION', 7]])
  })

  it('<Directory ~ re>, <Location ~ re> and <Files ~ re> are the Match forms', () => {
    const r = load({
      'httpd.conf':
        '<Directory ~ "^/var/www/.*">\n</Directory>\n<Location ~ "/a|/b">\n</Location>\n<FilesMatch "\\.(gif|png)$">\n</FilesMatch>\n'
    })
    expect(r.config.server.scopes.map((s) => [s.kind, s.arg])).toEqual([
      ['DirectoryMatch', '^/var/www/.*'],
      ['LocationMatch', '/a|/b'],
      ['FilesMatch', '\\.(gif|png)$']
    ])
  })

  it('<Location> inside <Directory> is reported as misplaced but kept', () => {
    const r = load({ 'httpd.conf': '<Directory />\n<Location /x>\n</Location>\n</Directory>\n' })
    expect(r.codes).toEqual(['APACHE_MISPLACED_SECTION'])
    expect(r.config.server.scopes[0].settings.scopes[0].kind).toBe('Location')
  })

  it('<Limit>, <RequireAny> and other access containers stay out of the request model but their directives are kept, labelled', () => {
    const r = load({
      'httpd.conf':
        '<Location /x>\nRequire all granted\n<Limit GET POST>\nRequire all denied\n<RequireAny>\nRequire ip 10.0.0.1\n</RequireAny>\n</Limit>\n</Location>\n'
    })
    const s = r.config.server.scopes[0].settings as VhostSettingsWithList
    expect(s.scopes).toEqual([])
    expect(s.rewriteRules).toEqual([])
    expect(s.other.Require?.value).toEqual(['all', 'granted'])
    expect(s.other['Limit GET POST/Require']?.value).toEqual(['all', 'denied'])
    expect(s.other['Limit GET POST/RequireAny/Require']?.value).toEqual(['ip', '10.0.0.1'])
    expect(s.otherList.map((o) => [o.name, o.within ?? null])).toEqual([
      ['Require', null],
      ['<Limit>', null],
      ['Require', 'Limit GET POST'],
      ['<RequireAny>', 'Limit GET POST'],
      ['Require', 'Limit GET POST/RequireAny']
    ])
  })

  it('a <Macro> body is a template: recorded, not evaluated', () => {
    const r = load({
      'httpd.conf':
        '<Macro VHost $name>\nInclude $name.conf\n<VirtualHost *:80>\nServerName $name\n</VirtualHost>\n</Macro>\n'
    })
    expect(r.sink.items).toEqual([])
    expect(r.config.virtualHosts).toEqual([])
    expect(r.config.server.other['<Macro>']?.value).toEqual(['VHost', '$name'])
  })
})
