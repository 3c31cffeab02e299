/**
 * httpd's `Timeout` as the workbench reads it (src/main/engine/http/request-timeout.ts): the
 * server's, a vhost's over it, httpd's 60 s without either. The wire behaviour is compared with
 * apache2 in test/httpd/connection-layer.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { REQTIMEOUT_DEFAULTS } from '../../../src/main/engine/config/apache/request-read-timeout'
import { HTTPD_TIMEOUT_MS, requestTimeoutMs, wholeHeadTimeoutMs } from '../../../src/main/engine/http/request-timeout'
import { load } from '../config/apache/helpers'

function layers(conf: string, vhostLine = ''): { server: number; vhost: number } {
  const l = load({
    'httpd.conf': `ServerName a\n${conf}\n<VirtualHost *:80>\n  ServerName v\n  ${vhostLine}\n</VirtualHost>\n`
  })
  const server = l.config.server
  return {
    server: requestTimeoutMs([server]),
    vhost: requestTimeoutMs([server, l.config.virtualHosts[0].settings])
  }
}

describe('Timeout', () => {
  it('is 60 s unless set, the server’s in a vhost that sets none, and the vhost’s own over it', () => {
    expect(layers('')).toEqual({ server: HTTPD_TIMEOUT_MS, vhost: HTTPD_TIMEOUT_MS })
    expect(layers('Timeout 3')).toEqual({ server: 3000, vhost: 3000 })
    expect(layers('Timeout 3', 'TimeOut 500ms')).toEqual({ server: 3000, vhost: 500 })
    // ap_fixup_virtual_hosts: a vhost's 0 takes the main server's.
    expect(layers('Timeout 2min', 'Timeout 0')).toEqual({ server: 120_000, vhost: 120_000 })
  })
})

describe('a whole head on Node’s path', () => {
  it('is bounded by Timeout, or by mod_reqtimeout’s header bound where that is shorter', () => {
    expect(wholeHeadTimeoutMs(60_000, null)).toBe(60_000)
    expect(wholeHeadTimeoutMs(60_000, REQTIMEOUT_DEFAULTS)).toBe(40_000)
    // reqtimeout_filter waits MIN(time_left, saved_sock_timeout): header=20-40 under Timeout 10.
    expect(wholeHeadTimeoutMs(10_000, REQTIMEOUT_DEFAULTS)).toBe(10_000)
  })
})
