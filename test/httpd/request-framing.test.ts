/**
 * A request whose body framing httpd refuses while it reads the head (a Content-Length that is
 * not a number, a Transfer-Encoding that does not end in chunked): 400, answered before the
 * Host header chooses a vhost, so the first-listed vhost's ErrorDocument and `Header always`
 * make the answer. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, compareRawHeads, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const vhost = (docroot: string, name: string): string[] => [
  '<VirtualHost *:*>',
  `  ServerName ${name}`,
  `  DocumentRoot "${docroot}"`,
  `  ErrorDocument 400 "${name} 400"`,
  `  Header always append X-Vhost ${name}`,
  '</VirtualHost>'
]

const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
  ...serverLines(['mime', 'headers'], d),
  ...vhost(d, 'first'),
  ...vhost(d, 'second')
])

const REQUESTS: HttpdRequest[] = [
  ['GET', '/a.txt', { host: 'second', 'content-length': 'x' }],
  ['GET', '/a.txt', { host: 'second', 'content-length': '-1' }],
  ['POST', '/a.txt', { host: 'second', 'transfer-encoding': 'gzip', ':body': '' }],
  ['GET', '/a.txt', { host: 'second', 'content-length': '0' }]
]

describe('a body framing httpd refuses', () => {
  it('is answered by the first vhost, as apache2 answers it', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

/** Raw heads with a chunked body of `abc`: only the last coding of Transfer-Encoding counts (ap_is_chunked). */
const chunked = (fields: string[]): string =>
  ['POST /a.txt HTTP/1.1', 'Host: second', ...fields, 'Connection: close', '', '3', 'abc', '0', '', ''].join('\r\n')

describe('a Transfer-Encoding that ends in chunked', () => {
  it('is read chunked, as apache2 reads it, and one that does not is refused', async () => {
    const heads = [
      chunked(['Transfer-Encoding: chunked, chunked']),
      chunked(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']),
      chunked(['Transfer-Encoding: gzip, chunked']),
      chunked(['Transfer-Encoding: chunked, gzip']),
      chunked(['Transfer-Encoding: chunked'])
    ]
    expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
  })
})
