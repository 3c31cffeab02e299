/**
 * The error pages httpd sends without a length: a 416 the byte-range filter makes after the
 * content-length filter saw the file (or a proxied answer measured whole), and a 413 the input filter makes when a body passes
 * LimitRequestBody. Whether each is chunked or ended by the close depends on the client's
 * protocol and Connection header, on keep-alive running out (MaxKeepAliveRequests) and on the
 * status (413 drops the connection, 416 does not). Debian's apache2 against the workbench, byte
 * for byte, with the close compared too.
 */
import { describe, expect, it } from 'vitest'
import { classicSideBySide, serverLines } from './classic'
import { converse, nodeParserOnly, transcript, type Step } from './conversation'
import type { RunningPair } from './harness'
import { proxiedSideBySide } from './raw-backend'

const FILES = { 'a.txt': 'hello world\n', 'up/b.txt': 'b\n' }

const head = (method: string, target: string, protocol: string, more: string): string =>
  `${method} ${target} ${protocol}\r\nHost: localhost\r\n${more}\r\n`
const range = (protocol: string, more = ''): string => head('GET', '/a.txt', protocol, `Range: bytes=999-\r\n${more}`)
const post = (protocol: string, more = ''): string =>
  head('POST', '/up/b.txt', protocol, `Content-Length: 10\r\n${more}`) + '0123456789'
const plain = head('GET', '/a.txt', 'HTTP/1.1', '')

/**
 * Both servers heard, with the size of a chunk holding an error page blanked: apache2 2.4.68
 * writes a longer DOCTYPE than the workbench (conversation.ts blanks a Content-Length so).
 */
async function expectSame(running: RunningPair, steps: Step[], quietMs: number): Promise<void> {
  const [apache, workbench] = await Promise.all([
    converse(running.apachePort, steps, quietMs),
    converse(running.enginePort, steps, quietMs)
  ])
  const sized = (t: string): string => t.replace(/\r\n[0-9a-f]+\r\n<!DOCTYPE>/g, '\r\n(page size)\r\n<!DOCTYPE>')
  expect(sized(transcript(workbench))).toBe(sized(transcript(apache)))
}

const CLOSE = 'Connection: close\r\n'
const KEEP = 'Connection: keep-alive\r\n'

const lines = (d: string): string[] => [
  ...serverLines(['mime', 'alias', 'dir'], d),
  'KeepAliveTimeout 1',
  'MaxKeepAliveRequests 3',
  `<Directory "${d}/up">`,
  '  LimitRequestBody 5',
  '</Directory>'
]

/**
 * The same conversations, under either parser. `pipelinedAfter416`: also a request pipelined
 * behind the 416, whose count Node's path takes before the 416 is decided (not compared there).
 */
function conversations(running: RunningPair, pipelinedAfter416: boolean): void {
  it('frames the 416 as apache2 does, for each protocol and Connection header', async () => {
    for (const request of [
      range('HTTP/1.1'),
      range('HTTP/1.1', CLOSE),
      range('HTTP/1.1', KEEP),
      range('HTTP/1.0'),
      range('HTTP/1.0', KEEP),
      head('HEAD', '/a.txt', 'HTTP/1.1', `Range: bytes=999-\r\n${CLOSE}`)
    ])
      await expectSame(running, [request], 1500)
  }, 30_000)

  it('counts the 416 against MaxKeepAliveRequests as apache2 does (twice)', async () => {
    await expectSame(running, [plain + plain + range('HTTP/1.1')], 1500)
    if (pipelinedAfter416) await expectSame(running, [plain + range('HTTP/1.1', KEEP) + plain], 1500)
    await expectSame(running, [range('HTTP/1.1', KEEP), { pause: 200 }, plain, { pause: 200 }, plain], 1500)
    await expectSame(running, [plain + plain + range('HTTP/1.0', KEEP)], 1500)
  }, 30_000)

  it('frames the 413 as apache2 does, for each protocol and Connection header', async () => {
    for (const request of [
      post('HTTP/1.1'),
      post('HTTP/1.1', CLOSE),
      post('HTTP/1.1', KEEP),
      post('HTTP/1.0'),
      post('HTTP/1.0', KEEP)
    ])
      await expectSame(running, [request], 1500)
  }, 30_000)
}

describe('error pages sent without a length (416 from the byte-range filter, 413 from LimitRequestBody)', () => {
  conversations(classicSideBySide(FILES, lines), true)
})

describe('error pages sent without a length, every head read by Node’s parser (DW_NODE_HTTP_ONLY=1)', () => {
  conversations(
    nodeParserOnly(() => classicSideBySide(FILES, lines)),
    false
  )
})

describe('the 416 the byte-range filter makes of a proxied answer', () => {
  const { running } = proxiedSideBySide(
    (b, d) => [
      ...serverLines(['proxy', 'proxy_http', 'mime'], d),
      'KeepAliveTimeout 1',
      'MaxKeepAliveRequests 3',
      'ProxyRequests Off',
      `ProxyPass /p/ ${b}/b/`
    ],
    FILES
  )
  const proxied = (scenario: string, protocol: string, more = ''): string =>
    head('GET', `/p/${scenario}`, protocol, `Range: bytes=999-\r\n${more}`)

  // A measured answer is cut whole (a 416 here, counted twice as a file's is); a chunked one
  // reaches the filter in pieces and goes out whole.
  it('frames and counts it as apache2 does, whether the backend measured its answer or chunked it', async () => {
    for (const scenario of ['reason', 'chunked']) {
      for (const request of [
        proxied(scenario, 'HTTP/1.1'),
        proxied(scenario, 'HTTP/1.1', CLOSE),
        proxied(scenario, 'HTTP/1.1', KEEP),
        proxied(scenario, 'HTTP/1.0', KEEP)
      ])
        await expectSame(running, [request], 1500)
      await expectSame(running, [plain + plain + proxied(scenario, 'HTTP/1.1')], 1500)
    }
  }, 30_000)
})
