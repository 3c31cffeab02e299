/**
 * The docroot is the only place the cache reads, writes and deletes (issue 4 item 2): a
 * symlink inside it that leads elsewhere is never written through nor emptied by a flush
 * (4.3.0 DISP-706: links are not followed during invalidation), and odd handles stay inside.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheStackForThisTest, statfilesIn, tempDocroot } from './support/cache'

describe('paths stay inside the docroot', () => {
  it('a response is not stored through a symlinked folder that leads out of the docroot', async () => {
    const outside = tempDocroot()
    const s = await cacheStackForThisTest()
    fs.mkdirSync(s.abs('/content'), { recursive: true })
    fs.symlinkSync(outside, s.abs('/content/linked'))
    const a = await s.get('/content/linked/x.html')
    expect(a.status).toBe(200)
    await new Promise((r) => setTimeout(r, 50))
    expect(fs.readdirSync(outside)).toEqual([])
  })

  it('a Delete of a handle whose folder is a symlink removes the link, never the files it points at', async () => {
    const outside = tempDocroot()
    fs.writeFileSync(path.join(outside, 'precious.html'), 'keep me')
    const s = await cacheStackForThisTest()
    fs.mkdirSync(s.abs('/content/site/en'), { recursive: true })
    fs.symlinkSync(outside, s.abs('/content/site/en/page'))
    expect((await s.flush({ action: 'Delete', handle: '/content/site/en/page' })).status).toBe(200)
    expect(fs.readFileSync(path.join(outside, 'precious.html'), 'utf8')).toBe('keep me')
  })

  it('a handle with .. segments is refused and touches nothing', async () => {
    const s = await cacheStackForThisTest()
    const f = await s.flush({ handle: '/content/../../etc/page' })
    expect(f.status).toBeGreaterThanOrEqual(400)
    expect(statfilesIn(s.docroot)).toEqual([])
  })

  it('the handle / touches only /.stat and deletes nothing', async () => {
    const s = await cacheStackForThisTest()
    await s.prime('/content/site/en.html')
    expect((await s.flush({ handle: '/' })).status).toBe(200)
    expect(statfilesIn(s.docroot)).toEqual(['/.stat'])
    expect(s.exists('/content/site/en.html')).toBe(true)
  })
})
