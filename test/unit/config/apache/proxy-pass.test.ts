/**
 * Where mod_proxy's ProxyPass and ProxyPassReverse may stand, and with which arguments: what
 * httpd 2.4.71 refuses to start with, each message as `apache2 -t` prints it.
 */
import { describe, expect, it } from 'vitest'
import { load, only } from './helpers'

function errors(body: string): string[] {
  const l = load({ 'httpd.conf': `<VirtualHost *:80>\n  ServerName a\n${body}\n</VirtualHost>\n` })
  return only(l.sink.items, 'APACHE_BAD_ARGUMENT').map((d) => d.message)
}

describe('ProxyPass and ProxyPassReverse placement', () => {
  it('are accepted where httpd takes them', () => {
    expect(
      errors(`  ProxyPass /p http://b/ nocanon retry=0
  ProxyPassReverse /p http://b/
  <Location /x>
    ProxyPass http://b/ nocanon
    ProxyPassReverse http://b/
  </Location>
  <Location /y>
    ProxyPass !
  </Location>
  <LocationMatch "^/api(/.*)?$">
    ProxyPassMatch http://b$1
    ProxyPassReverse http://b
  </LocationMatch>`)
    ).toEqual([])
  })

  it('are refused elsewhere, or with a path where the section is the path', () => {
    expect(errors('  ProxyPass http://b/')).toEqual([
      'ProxyPass|ProxyPassMatch needs a path when not defined in a location'
    ])
    expect(errors('  ProxyPassMatch http://b/')).toEqual([
      'ProxyPass|ProxyPassMatch needs a path when not defined in a location'
    ])
    expect(errors('  <Location /x>\n    ProxyPass /x http://b/\n  </Location>')).toEqual([
      'ProxyPass|ProxyPassMatch can not have a path when defined in a location.'
    ])
    expect(errors('  ProxyPassReverse http://b/')).toEqual([
      'ProxyPassReverse needs a path when not defined in a location'
    ])
    expect(errors('  <Location /x>\n    ProxyPassReverse /x http://b/\n  </Location>')).toEqual([
      'ProxyPassReverse can not have a path when defined in a location'
    ])
    expect(errors('  <Directory /x>\n    ProxyPass http://b/\n  </Directory>')).toEqual([
      'ProxyPass cannot occur within <Directory> section'
    ])
    expect(errors('  <If "true">\n    ProxyPassReverse http://b/\n  </If>')).toEqual([
      'ProxyPassReverse cannot occur within <If> section'
    ])
    expect(errors('  <Files x>\n    ProxyPassReverse http://b/\n  </Files>')).toEqual([
      'ProxyPassReverse cannot occur within <Files> section'
    ])
  })
})
