/**
 * Heads httpd reads and Node's parser refuses (a folded header line, HTTP/1.2 and later, a method
 * llhttp does not know, raw UTF-8 in the target), on a connection Node's parser reads: after a
 * request that handed it over (a body, HTTP/1.0), and every head under DW_NODE_HTTP_ONLY=1.
 * apache2 answers them as any request; the workbench used to send Node's canned 400. Each asks
 * to close: Node's parser reads nothing after a head it failed on, so the workbench closes after
 * its answer even where httpd would keep the connection. A head with a body stays Node's 400.
 */
import { describe, it } from 'vitest'
import { classicSideBySide, firstAndNamedVhost } from './classic'
import { expectSame, nodeParserOnly } from './conversation'
import type { RunningPair } from './harness'

const FILES = { 'a.txt': 'a\n', 'caf\u00e9.txt': 'cafe\n' }

const lines = (d: string): string[] =>
  firstAndNamedVhost(d, ['Header always set X-Names "expr=%{HTTP:X-F}|%{HTTP_HOST}|%{REQUEST_URI}|%{THE_REQUEST}"'])

const END = 'Host: www.a.com\r\nConnection: close\r\n\r\n'
const READ = [
  `GET /a.txt HTTP/1.1\r\nX-F: a\r\n b\r\n${END}`,
  `HEAD /a.txt HTTP/1.1\r\nX-F: a \r\n\t b\r\n${END}`,
  `GET /a.txt HTTP/1.2\r\n${END}`,
  `HEAD /a.txt HTTP/9.9\r\n${END}`,
  `FOO /a.txt HTTP/1.1\r\n${END}`,
  `get /a.txt HTTP/1.1\r\n${END}`,
  `GET /caf\u00c3\u00a9.txt HTTP/1.1\r\n${END}`
]
const BEFORE = [
  'POST /a.txt HTTP/1.1\r\nHost: www.a.com\r\nContent-Length: 2\r\n\r\nhi',
  'GET /a.txt HTTP/1.0\r\nHost: www.a.com\r\nConnection: keep-alive\r\n\r\n'
]

function conversations(running: RunningPair): void {
  it('answers the head as httpd reads it, first, after an answered request or pipelined behind one', async () => {
    for (const head of READ) {
      await expectSame(running, [head], 1500)
      for (const before of BEFORE) {
        await expectSame(running, [before, { pause: 200 }, head], 1500)
        await expectSame(running, [before + head], 1500)
      }
    }
  }, 60_000)
}

describe('a head httpd reads and Node’s parser refuses, on a connection Node’s parser reads', () => {
  conversations(classicSideBySide(FILES, lines))
})

describe('a head httpd reads and Node’s parser refuses, every head read by Node’s parser (DW_NODE_HTTP_ONLY=1)', () => {
  conversations(nodeParserOnly(() => classicSideBySide(FILES, lines)))
})
