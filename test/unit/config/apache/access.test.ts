/**
 * Access control directives (`Require`, `<Require*>`, `<Limit>`, `Order`/`Allow`/`Deny`,
 * `Satisfy`, `AuthMerging`): what the loader models, and the configurations httpd 2.4.71 refuses
 * to start with (each message as `apache2 -t` prints it), reported at their line.
 */
import { describe, expect, it } from 'vitest'
import type { AuthzGroup, VhostSettings } from '../../../../src/shared/config-model'
import { load, only } from './helpers'

function vhost(body: string): ReturnType<typeof load> {
  return load({ 'httpd.conf': `<VirtualHost *:80>\n  ServerName a\n${body}\n</VirtualHost>\n` })
}

function errors(body: string): string[] {
  // Word counts are the command table's (directive-arity.ts), refused as APACHE_BAD_ARGUMENT.
  return vhost(body)
    .sink.items.filter((d) => d.code === 'APACHE_ACCESS_SYNTAX' || d.code === 'APACHE_BAD_ARGUMENT')
    .map((d) => `${d.pos?.line}: ${d.message}`)
}

function scope(l: ReturnType<typeof load>, i = 0): VhostSettings {
  return l.config.virtualHosts[0].settings.scopes[i].settings
}

describe('access control directives in the model', () => {
  it('Require lines go to an implicit <RequireAny>; groups nest; <Limit> methods stay with each line', () => {
    const l = vhost(`  <Location "/x">
    Require ip 10.0.0.0/8
    <RequireAll>
      Require all granted
      <RequireNone>
        Require env BAD
      </RequireNone>
    </RequireAll>
    <LimitExcept GET HEAD>
      Require all denied
    </LimitExcept>
  </Location>`)
    expect(l.sink.items.filter((d) => d.severity === 'error')).toEqual([])
    const root = scope(l).access?.authz?.root as AuthzGroup
    expect(root.kind).toBe('RequireAny')
    expect(root.implicit).toBe(true)
    expect(root.children.map((c) => c.kind)).toEqual(['Require', 'RequireAll', 'Require'])
    const all = root.children[1] as AuthzGroup
    expect(all.children.map((c) => c.kind)).toEqual(['Require', 'RequireNone'])
    expect(root.children[2]).toMatchObject({
      provider: 'all',
      args: 'denied',
      limit: { methods: ['GET', 'HEAD'], except: true },
      pos: { line: 12 }
    })
  })

  it('Order, Allow, Deny and Satisfy form the mod_access_compat part, each with its <Limit>', () => {
    const l = vhost(`  <Directory />
    <Limit OPTIONS>
      Order deny,allow
      Deny from all
    </Limit>
    Allow from 127.0.0.1 env=OK .example.com
    Satisfy Any
  </Directory>`)
    const compat = scope(l).access?.compat
    expect(compat?.order).toMatchObject([{ value: 'deny,allow', limit: { methods: ['OPTIONS'], except: false } }])
    expect(compat?.deny.map((r) => r.value)).toEqual(['all'])
    expect(compat?.allow.map((r) => r.value)).toEqual(['127.0.0.1', 'env=OK', '.example.com'])
    expect(compat?.satisfy).toMatchObject([{ value: 'any' }])
    expect(scope(l).access?.authz).toBeUndefined()
  })

  it('a context without access directives has no access part (it inherits)', () => {
    expect(scope(vhost(`  <Location "/x">\n    Header set X 1\n  </Location>`)).access).toBeUndefined()
  })

  it('access directives inside <Proxy> are not modelled (no <Proxy> sections are)', () => {
    const l = vhost(`  <Proxy "*">\n    Require all denied\n  </Proxy>`)
    expect(l.sink.items.filter((d) => d.severity === 'error')).toEqual([])
    expect(l.config.virtualHosts[0].settings.access).toBeUndefined()
  })
})

describe('what httpd refuses to start with', () => {
  it('access directives outside a section: not allowed in <VirtualHost> context, or here at server level', () => {
    expect(errors('  Require all granted')).toEqual(['3: Require not allowed in <VirtualHost> context'])
    expect(errors('  Order deny,allow')).toEqual(['3: Order not allowed in <VirtualHost> context'])
    expect(errors('  <Limit GET>\n    Require all denied\n  </Limit>')).toEqual([
      '3: <Limit not allowed in <VirtualHost> context'
    ])
    const server = load({ 'httpd.conf': '<RequireAll>\n  Require all denied\n</RequireAll>\n' })
    expect(only(server.sink.items, 'APACHE_ACCESS_SYNTAX').map((d) => d.message)).toEqual([
      '<RequireAll not allowed here'
    ])
  })

  it('an empty group, a negative Require in <RequireAny>, a group of negatives only', () => {
    expect(errors('  <Location /x>\n    <RequireAll>\n    </RequireAll>\n  </Location>')).toEqual([
      '4: <RequireAll> directive contains no authorization directives'
    ])
    expect(errors('  <Location /x>\n    Require not ip 1.2.3.4\n  </Location>')).toEqual([
      '4: negative Require directive has no effect in <RequireAny> directive'
    ])
    expect(
      errors('  <Location /x>\n    <RequireAll>\n      Require not ip 1.2.3.4\n    </RequireAll>\n  </Location>')
    ).toEqual(['4: <RequireAll> directive contains only negative authorization directives'])
    expect(
      errors(
        '  <Location /x>\n    <RequireAny>\n      <RequireNone>\n        Require ip 1.2.3.4\n      </RequireNone>\n    </RequireAny>\n  </Location>'
      )
    ).toContain('5: <RequireNone> directive has no effect in <RequireAny> directive')
  })

  it('bad provider arguments', () => {
    expect(errors('  <Location /x>\n    Require method FOO\n  </Location>')).toEqual(["4: Invalid Method 'FOO'"])
    expect(errors('  <Location /x>\n    Require bogus x\n  </Location>')).toEqual(['4: Unknown Authz provider: bogus'])
    expect(errors('  <Location /x>\n    Require all maybe\n  </Location>')).toEqual([
      "4: Argument for 'Require all' must be 'granted' or 'denied'"
    ])
    expect(errors('  <Location /x>\n    Require ip 10.0.0.300\n  </Location>')).toEqual([
      "4: ip address '10.0.0.300' appears to be invalid: The specified IP address is invalid."
    ])
    // apr_ipsubnet_create (as apache2 -t answers): a prefix of 1 to 32 (128) bits, no IPv4-mapped
    // IPv6 address; a dotted mask may be anything contiguous, 0.0.0.0 too.
    for (const [subnet, why] of [
      ['0.0.0.0/0', 'network mask'],
      ['1.2.3.4/0', 'network mask'],
      ['::/0', 'network mask'],
      ['127.0.0.1/33', 'network mask'],
      ['2001:db8::/129', 'network mask'],
      ['::ffff:127.0.0.1', 'IP address']
    ])
      expect(errors(`  <Location /x>\n    Require ip ${subnet}\n  </Location>`)).toEqual([
        `4: ip address '${subnet}' appears to be invalid: The specified ${why} is invalid.`
      ])
    expect(
      errors('  <Location /x>\n    Require ip 10.0.0.0/0.0.0.0 10.1 1.2.3.4/32 2001:db8::/32\n  </Location>')
    ).toEqual([])
    expect(errors('  <Location /x>\n    Allow from 10.0.0.0/33\n  </Location>')).toEqual([
      '4: The specified network mask is invalid.'
    ])
    expect(errors('  <Location /x>\n    Order deny-allow\n  </Location>')).toEqual(['4: unknown order'])
    expect(errors('  <Location /x>\n    Satisfy some\n  </Location>')).toEqual(["4: Satisfy either 'any' or 'all'."])
    // ITERATE2: one word is too few, whatever it is (apache2 -t 2.4.68).
    expect(errors('  <Location /x>\n    Deny all\n  </Location>')).toEqual([
      "4: deny requires at least two arguments, 'from' followed by hostnames or IP-address wildcards"
    ])
    expect(errors('  <Location /x>\n    Deny all 10.0.0.1\n  </Location>')).toEqual([
      "4: allow and deny must be followed by 'from'"
    ])
    expect(errors('  <Location /x>\n    AuthMerging Xor\n  </Location>')).toEqual([
      '4: AuthMerging must be one of: Off | And | Or'
    ])
  })

  it('<Limit TRACE>, Order inside <RequireAll>; a method <Limit> registered is fine for Require method', () => {
    expect(errors('  <Location /x>\n    <Limit TRACE>\n      Require all denied\n    </Limit>\n  </Location>')).toEqual(
      ['4: TRACE cannot be controlled by <Limit>, see TraceEnable']
    )
    expect(
      errors(
        '  <Location /x>\n    <RequireAll>\n      Require all granted\n      Order deny,allow\n    </RequireAll>\n  </Location>'
      )
    ).toEqual(['6: Order not allowed here'])
    expect(
      errors(
        '  <Location /x>\n    <Limit PURGE>\n      Require all denied\n    </Limit>\n    Require method PURGE GET\n  </Location>'
      )
    ).toEqual([])
  })

  it('Require group loads, with a warning that no group is looked up; Require valid-user is emulated', () => {
    const l = vhost('  <Location /x>\n    Require group admins\n    Require valid-user\n  </Location>')
    expect(only(l.sink.items, 'APACHE_ACCESS_SYNTAX')).toEqual([])
    expect(only(l.sink.items, 'MODEL_NOT_EMULATED').map((d) => d.message)).toEqual([
      'Require group is not emulated: the workbench looks up no groups, file owners or directories, so this directive counts as granted'
    ])
  })
})
