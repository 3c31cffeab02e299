/**
 * `UseCanonicalName On`: self-referential URLs (a RewriteRule's [R], Redirect, mod_dir's slash
 * redirect) and `%{SERVER_NAME}`/`%{SERVER_PORT}` take the ServerName's host and port (the
 * scheme's default when it names none), never the Host header's. Set in a vhost or for the
 * server; Off beside it. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'a.txt': 'a\n', 'd/b.txt': 'b\n' }

const body = (d: string): string[] => [
  `  DocumentRoot "${d}"`,
  '  RewriteEngine On',
  '  RewriteRule ^/r$ /a.txt [R=302,L]',
  '  Redirect /al /a.txt',
  '  Header always set X-Self "expr=%{SERVER_NAME}:%{SERVER_PORT}"'
]

const vhost = (names: string[], d: string, extra: string[] = []): string[] => [
  '<VirtualHost *:*>',
  ...names.map((n) => `  ${n}`),
  ...extra.map((l) => `  ${l}`),
  ...body(d),
  '</VirtualHost>'
]

const HOSTS = [
  'www.example.com',
  'alias.example.com:8080',
  'p.example.com:9',
  'ported.example.com',
  's.example.com:8081'
]
const REQUESTS: HttpdRequest[] = HOSTS.flatMap((host): HttpdRequest[] =>
  ['/r', '/al', '/d', '/a.txt'].map((t): HttpdRequest => ['GET', t, { host }])
)

describe('UseCanonicalName On', () => {
  describe('in the vhosts', () => {
    const running = classicSideBySide(FILES, (d) => [
      ...serverLines(['mime', 'headers', 'alias', 'dir', 'rewrite'], d),
      ...vhost(['ServerName www.example.com', 'ServerAlias alias.example.com'], d, ['UseCanonicalName On']),
      ...vhost(['ServerName p.example.com:8443'], d, ['UseCanonicalName On']),
      ...vhost(['ServerName https://s.example.com'], d, ['UseCanonicalName On']),
      ...vhost(['ServerName ported.example.com:7000'], d, ['UseCanonicalName Off'])
    ])
    it('names the server as its ServerName does', async () => {
      expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
    })
  })
  describe('for the server, which the vhosts inherit', () => {
    const running = classicSideBySide(FILES, (d) => [
      ...serverLines(['mime', 'headers', 'alias', 'dir', 'rewrite'], d),
      'UseCanonicalName On',
      ...vhost(['ServerName www.example.com', 'ServerAlias alias.example.com'], d),
      ...vhost(['ServerName p.example.com:8443'], d, ['UseCanonicalName Off'])
    ])
    it('names the server as its ServerName does', async () => {
      expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
    })
  })
})
