/**
 * mod_reqtimeout's `RequestReadTimeout` as the workbench reads it
 * (src/main/engine/config/apache/request-read-timeout.ts) and times reads with it
 * (src/main/engine/http/read-clock.ts). Refusals are compared with apache2 -t in
 * test/httpd/check-parity.test.ts, the wire behaviour in test/httpd/connection-layer.test.ts.
 */
import { describe, expect, it } from 'vitest'
import {
  parseRequestReadTimeout,
  readStages,
  requestReadTimeoutProblems,
  REQTIMEOUT_DEFAULTS
} from '../../../../src/main/engine/config/apache/request-read-timeout'
import { reqtimeoutStages } from '../../../../src/main/engine/http/request-timeout'
import { ReadClock } from '../../../../src/main/engine/http/read-clock'
import { load } from './helpers'

describe('RequestReadTimeout', () => {
  it('reads N, N,MinRate=R and N-M,MinRate=R per stage, in any case', () => {
    expect(parseRequestReadTimeout(['HEADER=1-2,minrate=500', 'body=+3', 'handshake=0'])).toEqual({
      ok: true,
      stages: {
        header: { timeoutMs: 1000, maxTimeoutMs: 2000, msPerByte: 2 },
        body: { timeoutMs: 3000, maxTimeoutMs: 0, msPerByte: 0 },
        handshake: { timeoutMs: 0, maxTimeoutMs: 0, msPerByte: 0 }
      }
    })
    // rate_factor is whole microseconds.
    expect(parseRequestReadTimeout(['body=1,MinRate=3'])).toMatchObject({ stages: { body: { msPerByte: 333.333 } } })
  })

  it('refuses what set_reqtimeouts refuses, in its words', () => {
    const said = (w: string): string => {
      const p = parseRequestReadTimeout([w])
      return p.ok ? 'ok' : p.message
    }
    expect(said('header=1-2')).toBe('RequestReadTimeout: header=1-2: Must set MinRate option if using timeout range')
    expect(said('header=x')).toBe("RequestReadTimeout: header=x: Value 'x' not numerical")
    expect(said('body=1s')).toBe("RequestReadTimeout: body=1s: Cannot parse 's'")
    expect(said('header=2-1,MinRate=5')).toBe(
      'RequestReadTimeout: header=2-1,MinRate=5: Maximum timeout must be larger than initial timeout'
    )
    expect(said('body=1,MinRate=0')).toBe(
      'RequestReadTimeout: body=1,MinRate=0: Minimum data rate must be larger than 0'
    )
    expect(said('trailer=5')).toBe('RequestReadTimeout: trailer=5: Unknown RequestReadTimeout parameter')
    expect(said('header')).toBe("Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'")
  })

  it('takes httpd’s defaults where no directive names a stage, a vhost inheriting the server’s stages whole', () => {
    const l = load({
      'httpd.conf':
        'ServerName a\nRequestReadTimeout header=5\nRequestReadTimeout body=7,MinRate=100\n' +
        '<VirtualHost *:80>\n  ServerName v\n  RequestReadTimeout body=9\n</VirtualHost>\n'
    })
    const server = l.config.server
    const vhost = l.config.virtualHosts[0].settings
    expect(readStages([server])).toEqual({
      handshake: REQTIMEOUT_DEFAULTS.handshake,
      header: { timeoutMs: 5000, maxTimeoutMs: 0, msPerByte: 0 },
      body: { timeoutMs: 7000, maxTimeoutMs: 0, msPerByte: 10 }
    })
    expect(readStages([server, vhost]).body).toEqual({ timeoutMs: 9000, maxTimeoutMs: 0, msPerByte: 0 })
    expect(readStages([])).toEqual(REQTIMEOUT_DEFAULTS)
    // Not loaded: Timeout alone.
    expect(reqtimeoutStages([server], ['mime_module'])).toBeNull()
  })
})

describe('check on RequestReadTimeout', () => {
  it('refuses a bad line at its line and notes a handshake= that plain HTTP never times', () => {
    const l = load({
      'httpd.conf': 'ServerName a\nRequestReadTimeout handshake=5 header=10\nRequestReadTimeout body=1-2\n'
    })
    expect(
      requestReadTimeoutProblems(l.config.server).map((d) => `${d.pos?.line} ${d.severity} ${d.code}: ${d.message}`)
    ).toEqual([
      '2 info REQTIMEOUT_HANDSHAKE: RequestReadTimeout handshake= times a TLS handshake; on plain HTTP (the workbench listens on HTTP) it never applies',
      '3 error REQTIMEOUT_BAD_VALUE: RequestReadTimeout: body=1-2: Must set MinRate option if using timeout range'
    ])
  })
})

describe('ReadClock', () => {
  const stage = { timeoutMs: 1000, maxTimeoutMs: 2000, msPerByte: 2 }

  it('waits what is left of the stage, at least 1 s, at most Timeout; Timeout alone without a stage', () => {
    const clock = new ReadClock(stage, 60_000, 'head', 0)
    expect(clock.waitMs(0)).toBe(1000)
    expect(clock.waitMs(900)).toBe(1000)
    expect(new ReadClock(stage, 500, 'head', 0).waitMs(0)).toBe(500)
    expect(new ReadClock(null, 3000, 'body', 0).waitMs(0)).toBe(3000)
    expect(new ReadClock({ ...stage, timeoutMs: 0 }, 3000, 'head', 0).read(1, 1e9)).toBe(true)
  })

  it('extends by MinRate up to the range’s end; a head’s late read is checked before its bytes count, a body’s after', () => {
    const head = new ReadClock(stage, 60_000, 'head', 0)
    expect(head.read(400, 500)).toBe(true) // to 1800
    expect(head.read(400, 1700)).toBe(true) // to 2000, the bound
    expect(head.waitMs(1700)).toBe(1000)
    expect(head.read(1, 2000)).toBe(false)
    const body = new ReadClock({ ...stage, maxTimeoutMs: 0 }, 60_000, 'body', 0)
    expect(body.read(100, 1100)).toBe(true) // 1000 + 200 ms: not late once counted
    expect(new ReadClock(stage, 60_000, 'head', 0).read(100, 1100)).toBe(false)
  })
})
