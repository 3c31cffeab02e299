/**
 * Directives out of their place, refused as apache2 -t 2.4.68 refuses them: server/vhost ones in
 * a section, main-server ones in a <VirtualHost>, directory ones at server or vhost level.
 */
import { describe, expect, it } from 'vitest'
import { load } from './helpers'

function said(conf: string): string[] {
  return load({ 'httpd.conf': conf })
    .sink.items.filter((d) => d.severity === 'error')
    .map((d) => `${d.pos?.line}: ${d.message}`)
}

describe('directives out of their place', () => {
  it('server and vhost directives inside <Directory>, <Location>, <Files>, <If>', () => {
    for (const d of [
      'RemoteIPHeader X-Forwarded-For',
      'RemoteIPTrustedProxy 10.0.0.1',
      'RemoteIPInternalProxy 10.0.0.1',
      'ProxyRequests Off',
      'ProxyTimeout 5',
      'ProxyVia On',
      'TypesConfig /etc/mime.types',
      'DeflateCompressionLevel 5',
      'LimitInternalRecursion 5',
      'Listen 8080',
      'User www-data'
    ]) {
      const name = d.split(' ')[0]
      expect(said(`<Location "/">\n  ${d}\n</Location>`)).toEqual([`2: ${name} not allowed in <Location> context`])
      expect(said(`<If "true">\n  ${d}\n</If>`)).toEqual([`2: ${name} not allowed in <If> context`])
      expect(said(`<VirtualHost *:80>\n  ${d}\n</VirtualHost>`).length, d).toBe(
        ['Listen', 'User'].includes(name) ? 1 : 0
      )
    }
  })

  it('main-server directives inside <VirtualHost>', () => {
    expect(
      said('<VirtualHost *:80>\n  ServerTokens Prod\n  Listen 8080\n  Mutex default\n  PidFile x.pid\n</VirtualHost>')
    ).toEqual([
      '2: ServerTokens cannot occur within <VirtualHost> section',
      '3: Listen cannot occur within <VirtualHost> section',
      '4: Mutex cannot occur within <VirtualHost> section',
      '5: PidFile cannot occur within <VirtualHost> section'
    ])
    expect(said('ServerTokens Prod\nListen 8080\nMutex default\nPidFile x.pid')).toEqual([])
  })

  it('directory directives at server or vhost level', () => {
    expect(said('AllowOverride None\nAuthType Basic\nAuthName x')).toEqual([
      '1: AllowOverride not allowed here',
      '2: AuthType not allowed here',
      '3: AuthName not allowed here'
    ])
    expect(said('<VirtualHost *:80>\n  AllowOverride None\n  AuthType Basic\n</VirtualHost>')).toEqual([
      '2: AllowOverride not allowed in <VirtualHost> context',
      '3: AuthType not allowed in <VirtualHost> context'
    ])
    expect(said('<Directory "/tmp">\n  AllowOverride None\n  AuthType Basic\n  AuthName x\n</Directory>')).toEqual([])
  })
})

describe('a section never closed, ended by an outer closing tag', () => {
  it("is httpd's one error, saying where the section was opened; what followed it is not judged inside it", () => {
    const conf = [
      'Listen 80',
      '<VirtualHost *:80>',
      '  ServerName a',
      '  <Directory "/x">',
      '  ServerAlias b',
      '  DocumentRoot /tmp',
      '  <Directory "/y">',
      '    Require all granted',
      '  </Directory>',
      '  <LocationMatch "^/z">',
      '  </LocationMatch>',
      '</VirtualHost>'
    ].join('\n')
    expect(said(conf)).toEqual([
      '12: Expected </Directory> but saw </VirtualHost>: <Directory> opened at 4:3 is never closed'
    ])
  })
})
