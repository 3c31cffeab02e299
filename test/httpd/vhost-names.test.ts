/**
 * Which `<VirtualHost>` a Host header picks, by name: a vhost on `*` without a ServerName has
 * the main server's; a ServerAlias is compared literally unless it holds `*` or `?` (no
 * character classes, and a port written in it is part of the text, so it never matches).
 * Debian's apache2 against the workbench; each vhost says who it is in a header.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const vhost = (id: string, names: string[], d: string): string[] => [
  '<VirtualHost *:*>',
  ...names.map((n) => `  ${n}`),
  `  DocumentRoot "${d}"`,
  `  Header always set X-Vhost "${id}"`,
  '</VirtualHost>'
]

const HOSTS = [
  'mainname.example.com',
  'MainName.Example.com:8080',
  'noname.example.com',
  'pa.example.com',
  'pa.example.com:8080',
  'a.y.com',
  '[ab].y.com',
  'b.y.com',
  'wx.example.org',
  'w.example.org',
  'www.q1.com',
  'www.q12.com',
  'other.example.net'
]

describe('choosing a vhost by name', () => {
  const running = classicSideBySide({ 'a.txt': 'a\n' }, (d) => [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'ServerName mainname.example.com',
    ...vhost('first', ['ServerName first.example.com'], d),
    ...vhost('nameless', ['ServerAlias noname.example.com'], d),
    ...vhost('ported-alias', ['ServerName ported.example.com', 'ServerAlias pa.example.com:8080'], d),
    ...vhost('class-alias', ['ServerName class.example.com', 'ServerAlias [ab].y.com'], d),
    ...vhost('wild-alias', ['ServerName wild.example.com', 'ServerAlias w*.example.org www.q?.com'], d),
    ...vhost('catch-all', ['ServerName catch.example.com', 'ServerAlias *'], d)
  ])
  it('picks the vhost apache2 picks', async () => {
    const requests = HOSTS.map((host): HttpdRequest => ['GET', '/a.txt', { host }])
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
