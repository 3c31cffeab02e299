/**
 * `Expect` as httpd's ap_read_request reads it: a non-empty value other than exactly
 * `100-continue` is 417 whatever the protocol (HTTP/1.0 too, `100-continue, foo` too), and the
 * connection is closed (a request pipelined behind it gets no answer); an empty value is
 * ignored. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { classicSideBySide, serverLines } from './classic'

const head = (line: string, fields: string[], close = true): string =>
  [line, 'Host: localhost', ...fields, ...(close ? ['Connection: close'] : []), '', ''].join('\r\n')

describe('Expect', () => {
  const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'headers'], d),
    'Header always set X-V v'
  ])
  it('is answered as apache2 answers it', async () => {
    const heads = [
      head('POST /a.txt HTTP/1.1', ['Expect: 100-continue, foo', 'Content-Length: 0']),
      head('GET /a.txt HTTP/1.1', ['Expect: ']),
      head('GET /a.txt HTTP/1.0', ['Expect: foo']),
      head('GET /a.txt HTTP/1.1', ['Expect: 100-Continue']),
      head('GET /a.txt HTTP/1.1', ['Expect: foo'], false) + head('GET /a.txt HTTP/1.1', [])
    ]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
