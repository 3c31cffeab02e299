/**
 * The request limits httpd reads a head with, from the first-listed vhost: LimitRequestLine and
 * LimitRequestFieldSize take one byte more than the limit (ap_rgetline's buffer), and
 * LimitRequestFields counts the header fields (0: no limit). At the boundaries, both sides.
 * Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareRawHeads } from './harness'
import { classicSideBySide, serverLines } from './classic'

const head = (target: string, fields: string[] = []): string =>
  [`GET ${target} HTTP/1.1`, 'Host: localhost', ...fields, 'Connection: close', '', ''].join('\r\n')

/** A request line of exactly `bytes` bytes (without its CRLF). */
const lineOf = (bytes: number): string => head(`/a.txt?${'q'.repeat(bytes - 'GET /a.txt? HTTP/1.1'.length)}`)

/** A header field line of exactly `bytes` bytes. */
const fieldOf = (bytes: number): string => `X-A: ${'v'.repeat(bytes - 5)}`

const vhost = (d: string, limits: string[]): string[] => [
  '<VirtualHost *:*>',
  '  ServerName first',
  `  DocumentRoot "${d}"`,
  ...limits.map((l) => `  ${l}`),
  '</VirtualHost>',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  LimitRequestFields 1000',
  '</VirtualHost>'
]

describe('request limits', () => {
  describe('set low in the first vhost', () => {
    const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
      ...serverLines(['mime', 'alias', 'dir'], d),
      ...vhost(d, ['LimitRequestLine 200', 'LimitRequestFieldSize 100', 'LimitRequestFields 4'])
    ])
    it('refuse what apache2 refuses, at each boundary', async () => {
      const heads = [
        ...[200, 201, 202].map(lineOf),
        ...[100, 101, 102].map((n) => head('/a.txt', [fieldOf(n)])),
        head('/a.txt', ['X-1: 1', 'X-2: 2']),
        head('/a.txt', ['X-1: 1', 'X-2: 2', 'X-3: 3'])
      ]
      expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
    })
  })
  describe('the defaults, and no field count limit', () => {
    const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
      ...serverLines(['mime', 'alias', 'dir'], d),
      ...vhost(d, ['LimitRequestFields 0'])
    ])
    it('refuse what apache2 refuses, at each boundary', async () => {
      const many = Array.from({ length: 150 }, (_, i) => `X-${i}: ${i}`)
      const heads = [...[8190, 8191, 8192].map((n) => head('/a.txt', [fieldOf(n)])), head('/a.txt', many)]
      expect(await compareRawHeads(heads, running.apachePort, running.enginePort)).toBe('')
    })
  })
})
