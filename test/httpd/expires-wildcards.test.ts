/**
 * mod_expires' `ExpiresByType major/*` entries: httpd's merge takes whether they are looked up
 * from the innermost context with a mod_expires directive of its own, so a `<Location>` or a
 * vhost with only `ExpiresByType text/html …` hides an outer `image/*` rule (and `ExpiresDefault`
 * answers instead), while a section without mod_expires directives keeps it. Debian's apache2
 * against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = { 'e.png': 'x', 'loc/e.png': 'x', 'def/e.png': 'x', 'plain/e.png': 'x', 'a.html': '<p>a</p>\n' }

const running = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'expires', 'headers'], d),
  'ExpiresActive On',
  'ExpiresByType image/* A7200',
  '<Location /loc>',
  '  ExpiresByType text/html A300',
  '</Location>',
  '<Location /def>',
  '  ExpiresByType text/html A300',
  '  ExpiresDefault A3600',
  '</Location>',
  '<Location /plain>',
  '  Header set X-Plain 1',
  '</Location>'
])

const vhost = classicSideBySide(FILES, (d) => [
  ...serverLines(['mime', 'expires'], d),
  'ExpiresActive On',
  'ExpiresByType image/* A7200',
  '<VirtualHost *:*>',
  '  ServerName localhost',
  `  DocumentRoot "${d}"`,
  '  ExpiresByType text/html A300',
  '</VirtualHost>'
])

const get = (t: string): HttpdRequest => ['GET', t, {}]

describe('ExpiresByType type/* rules', () => {
  it('are looked up as apache2 looks them up, section by section', async () => {
    const requests = ['/e.png', '/loc/e.png', '/def/e.png', '/plain/e.png', '/a.html'].map(get)
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })

  it('are hidden by a vhost with a mod_expires directive of its own', async () => {
    expect(await compareAll(['/e.png', '/a.html'].map(get), vhost.apachePort, vhost.enginePort)).toBe('')
  })
})
