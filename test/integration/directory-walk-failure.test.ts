/**
 * httpd's directory walk in front of the Dispatcher: a URL component longer than the file
 * system allows (255 bytes) makes apr_stat fail with ENAMETOOLONG once the walk reaches it, and
 * httpd answers 403 before the Dispatcher's handler — which happens only when the cache docroot
 * holds the folder above it. A whole path too long for the file system is core's 403 at once.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { embeddedSite } from './support/embedded-site'

const long = 'x'.repeat(256)

describe('a name too long for the file system', () => {
  it('goes to the render while its folder is not in the cache, and is refused with 403 once it is', async () => {
    const s = await embeddedSite()
    const first = await s.send(`/content/site/${long}.html`)
    expect(first.status).toBe(200)
    expect(s.up.publish.count).toBe(1)
    fs.mkdirSync(path.join(s.docroot, 'content/site'), { recursive: true })
    const second = await s.send(`/content/site/${long}.html`)
    expect(second.status).toBe(403)
    expect(s.up.publish.count).toBe(1)
    const access = second.trace.stages.find((e: { stage: string }) => e.stage === 'access')
    expect(access?.log).toEqual([
      `AH00036: access to /content/site/${long}.html failed (filesystem path '${s.docroot}/content/site/${long}.html')`
    ])
    // 255 bytes is a name the file system holds.
    expect((await s.send(`/content/site/${'x'.repeat(250)}.html`)).status).toBe(200)
  })

  it('a path too long as a whole is refused before any render is asked', async () => {
    const s = await embeddedSite()
    const r = await s.send(`/content/${'y/'.repeat(2100)}page.html`)
    expect(r.status).toBe(403)
    expect(s.up.publish.count).toBe(0)
  })
})
