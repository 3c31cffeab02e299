/**
 * The listener stands for the configuration's first `Listen` port (80 here): a `<VirtualHost *:81>`
 * such as AMS's health-check vhost takes none of its requests, even listed first with
 * `ServerAlias *` (httpd's check_hostalias skips addresses on other ports).
 */
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

const HEALTH =
  '<VirtualHost *:81>\n  ServerName health\n  ServerAlias *\n  Header always set X-Port 81\n</VirtualHost>\n'

describe('virtual hosts on another port', () => {
  it('are never chosen, by name or as the first-listed default', async () => {
    const s = await embeddedSite('', (vhost) => HEALTH + vhost)
    for (const host of ['health', 'publish', 'unknown.example']) {
      const r = await s.send('/content/demo/us/en.html', { headers: { host } })
      expect(r.headers['x-port'], host).toBeUndefined()
      expect(r.trace.vhost, host).not.toBe('health')
    }
  })
})
