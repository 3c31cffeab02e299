/**
 * mod_remoteip's walk (runtime/remote-ip.ts). The figures are apache2 2.4.71's, from the
 * differential test (test/httpd/site.ts, vhosts remoteip-sdk and remoteip-trusted); the AMS
 * baseline's list-less RemoteIPHeader is compared in test/httpd/ams26.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { compileRemoteIp, remoteIpProblems, resolveRemoteIp } from '../../../src/main/engine/runtime/remote-ip'
import { load } from '../config/apache/helpers'

function configOf(lines: string): NonNullable<ReturnType<typeof compileRemoteIp>> {
  const c = compileRemoteIp(load({ 'httpd.conf': lines }).config.server, null)
  if (!c) throw new Error('no RemoteIPHeader')
  return c
}

const SDK = configOf(`RemoteIPHeader X-Forwarded-For
RemoteIPProxiesHeader X-Forwarded-By
RemoteIPInternalProxy 172.16.0.0/12 10.0.0.0/8 192.168.0.0/16 169.254.0.0/16 127.0.0.0/8
RemoteIPTrustedProxy 0.0.0.0/1 128.0.0.0/1 0::/1 8000::/1
`)
const NO_LIST = configOf('RemoteIPHeader X-Forwarded-For\n')

describe('mod_remoteip', () => {
  it('with the SDK image lists: an internal peer may present a private address; once a trusted proxy is passed, private ones stop the walk', () => {
    expect(resolveRemoteIp(SDK, '127.0.0.1', '203.0.113.9')).toEqual({
      client: '203.0.113.9',
      remaining: null,
      proxyIps: null
    })
    // 10.0.0.7 is internal too: no proxy is recorded.
    expect(resolveRemoteIp(SDK, '127.0.0.1', '203.0.113.9, 10.0.0.7')).toEqual({
      client: '203.0.113.9',
      remaining: null,
      proxyIps: null
    })
    // 198.51.100.1 is a trusted (external) proxy: recorded, and what it presents may not be private.
    expect(resolveRemoteIp(SDK, '127.0.0.1', '203.0.113.9, 198.51.100.1')).toEqual({
      client: '203.0.113.9',
      remaining: null,
      proxyIps: '198.51.100.1'
    })
    // …but a proxy is recorded only when something was taken from it.
    expect(resolveRemoteIp(SDK, '127.0.0.1', '192.168.1.1, 198.51.100.1')).toEqual({
      client: '198.51.100.1',
      remaining: '192.168.1.1',
      proxyIps: null
    })
    expect(resolveRemoteIp(SDK, '127.0.0.1', '10.0.0.7, 203.0.113.9')).toEqual({
      client: '203.0.113.9',
      remaining: '10.0.0.7',
      proxyIps: null
    })
    expect(resolveRemoteIp(SDK, '127.0.0.1', '1.2.3.4, 192.168.0.9, 203.0.113.9')).toEqual({
      client: '203.0.113.9',
      remaining: '1.2.3.4, 192.168.0.9',
      proxyIps: null
    })
  })

  it('a list the workbench cannot read (host names, list files) trusts no peer, rather than every one', () => {
    for (const lines of [
      'RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy proxy.example.com\n',
      'RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxyList conf/proxies.txt\n'
    ])
      expect(resolveRemoteIp(configOf(lines), '203.0.113.9', '198.51.100.5')).toBeNull()
  })

  it('without lists every peer is an external proxy: the whole list is walked until a private or unreadable entry, which stays', () => {
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', '203.0.113.9,198.51.100.7')).toEqual({
      client: '203.0.113.9',
      remaining: null,
      proxyIps: '127.0.0.1, 198.51.100.7'
    })
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', '10.1.2.3, 203.0.113.9')).toEqual({
      client: '203.0.113.9',
      remaining: '10.1.2.3',
      proxyIps: '127.0.0.1'
    })
    // The empty entry left of the comma is what remains: an empty header, not none.
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', ', 1.2.3.4')).toEqual({
      client: '1.2.3.4',
      remaining: '',
      proxyIps: '127.0.0.1'
    })
    // Stopping, httpd puts the entry back without its trailing blanks.
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', 'zz , 203.0.113.9')?.remaining).toBe('zz')
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', '10.0.0.1')).toBeNull()
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', '::ffff:1.2.3.4')).toBeNull()
    expect(resolveRemoteIp(NO_LIST, '127.0.0.1', '2001:DB8:0:0:0:0:0:1')?.client).toBe('2001:db8::1')
  })

  it('a peer the lists do not name changes nothing', () => {
    const c = configOf('RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxy 198.51.100.0/24\n')
    expect(resolveRemoteIp(c, '127.0.0.1', '203.0.113.9')).toBeNull()
    expect(resolveRemoteIp(c, '198.51.100.4', '203.0.113.9')?.client).toBe('203.0.113.9')
  })

  it('check: a proxy address httpd cannot parse is its start-up refusal; host names and list files are not emulated', () => {
    const r = load({
      'httpd.conf':
        'RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxy 10.0.0.0/99 proxy.example.com\nRemoteIPInternalProxyList conf/proxies.txt\n'
    })
    expect(remoteIpProblems(r.config.server).map((d) => [d.severity, d.code, d.pos?.line])).toEqual([
      ['error', 'APACHE_BAD_ARGUMENT', 2],
      ['warning', 'MODEL_NOT_EMULATED', 2],
      ['warning', 'MODEL_NOT_EMULATED', 3]
    ])
  })
})
