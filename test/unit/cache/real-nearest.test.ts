/** `realNearest`: the real path of a path or of its nearest existing ancestor, whatever is missing on the way. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { realNearest } from '../../../src/main/engine/cache/safe-path'

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'real-nearest-')))
const root = path.join(base, 'docroot')
const outside = path.join(base, 'outside')
fs.mkdirSync(path.join(root, 'content'), { recursive: true })
fs.mkdirSync(outside)
fs.writeFileSync(path.join(root, 'content', 'page.html'), 'x')
fs.symlinkSync(outside, path.join(root, 'escape'))
fs.symlinkSync(path.join(base, 'gone'), path.join(root, 'dangling'))

afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

describe('realNearest', () => {
  it('an existing file or folder is its own real path', () => {
    expect(realNearest(path.join(root, 'content', 'page.html'))).toBe(path.join(root, 'content', 'page.html'))
    expect(realNearest(path.join(root, 'content'))).toBe(path.join(root, 'content'))
  })

  it('a missing path gives its nearest existing folder', () => {
    expect(realNearest(path.join(root, 'content', 'wknd', 'us', 'en', 'page.html'))).toBe(path.join(root, 'content'))
  })

  it('goes through symlinks to folders, and past dangling ones', () => {
    expect(realNearest(path.join(root, 'escape', 'a', 'b.html'))).toBe(outside)
    expect(realNearest(path.join(root, 'dangling', 'b.html'))).toBe(root)
  })

  it('a path below a file gives the file', () => {
    expect(realNearest(path.join(root, 'content', 'page.html', 'x.html'))).toBe(path.join(root, 'content', 'page.html'))
  })
})
