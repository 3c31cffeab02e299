/**
 * A farm whose render nobody listens on, through the real engine (dispatcher-behavior.md §6.4):
 * the render stage's one-line reason names the address tried, the cause and where the time
 * went (/numberOfRetries rounds, /retryDelay apart), its detail lists every attempt with when it
 * began, and the renders panel counts each request once, its attempts and failures apart, with
 * no latency for answers that never came.
 */
import { describe, expect, it } from 'vitest'
import type { RenderDetail } from '../../src/shared/trace'
import { dispatcherAny } from './support/config'
import { stackForThisTest } from './support/engine'
import { freePort } from './support/ports'

describe('no render answers', () => {
  it('the trace says which address refused, how many attempts in how many rounds, and the module lines; the panel counts requests once', async () => {
    const dead = await freePort()
    const s = await stackForThisTest({
      any: dispatcherAny([
        {
          name: 'deadfarm',
          renders: [{ host: '127.0.0.1', port: dead }],
          extra: '    /numberOfRetries "2"\n    /retryDelay "1"'
        }
      ])
    })
    const [a, b] = await Promise.all([s.send('/content/a.html'), s.send('/content/b.html')])
    expect([a.status, b.status]).toEqual([503, 503])
    const render = a.trace.stages.find((st) => st.stage === 'render')!
    expect(render.summary).toMatch(
      new RegExp(
        `^no render answered: 127\\.0\\.0\\.1:${dead}: Connection refused, 2 attempts in 2 rounds over 1\\.\\d s ` +
          `\\(/numberOfRetries 2, /retryDelay 1 s\\); Unable to connect to any backend in farm deadfarm: 503$`
      )
    )
    expect(render.log).toEqual([
      `Unable to connect socket to 127.0.0.1:${dead}: Connection refused`,
      `Unable to connect socket to 127.0.0.1:${dead}: Connection refused`,
      'Unable to connect to any backend in farm deadfarm'
    ])
    const detail = render.detail as RenderDetail
    expect(detail.attemptsNote).toMatch(
      /^2 attempts in 2 rounds over 1\.\d s: \/numberOfRetries "2" allows 2 rounds, each trying every render once, and \/retryDelay "1" waits 1 s between rounds\.$/
    )
    expect(detail.attempts.map((x) => [x.attempt, x.round, x.origin, x.result, x.code])).toEqual([
      [1, 1, `127.0.0.1:${dead}`, 'Connection refused', 'ECONNREFUSED'],
      [2, 2, `127.0.0.1:${dead}`, 'Connection refused', 'ECONNREFUSED']
    ])
    expect(detail.attempts[0].atMs).toBe(0)
    // The second round waited /retryDelay "1" after the first.
    expect(detail.attempts[1].atMs).toBeGreaterThanOrEqual(1000)
    expect(s.engine.renderHealth()[0]).toMatchObject({
      up: false,
      requests: 2,
      attempts: 4,
      failures: 4,
      answered: 0
    })
  })
})
