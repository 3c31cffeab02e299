import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FsMemo } from '../../../src/main/engine/config/fs-memo'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-memo-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function write(rel: string, text: string): string {
  const file = path.join(dir, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

describe('the file system as one load sees it (FsMemo)', () => {
  it('probe tells a file from a folder from a missing path, also a path below a file (ENOTDIR)', () => {
    const file = write('probe/a.any', '/a "1"')
    const memo = new FsMemo()
    expect(memo.probe(file)).toBe('exists')
    expect(memo.probe(path.dirname(file))).toBe('dir')
    expect(memo.probe(path.join(dir, 'probe', 'missing.any'))).toBe('none')
    expect(memo.probe(path.join(file, 'below'))).toBe('none')
  })

  it('probe agrees with stat for a path stat already answered', () => {
    const file = write('probe2/b.any', '/b "1"')
    const memo = new FsMemo()
    expect(memo.isFile(file)).toBe(true)
    expect(memo.probe(file)).toBe('exists')
    expect(memo.isDir(path.dirname(file))).toBe(true)
    expect(memo.probe(path.dirname(file))).toBe('dir')
  })

  it('a file is read once per load: a change during the load is not seen, the next load sees it', () => {
    const file = write('once/c.any', 'first')
    const memo = new FsMemo()
    expect(memo.bytes(file)).toMatchObject({ ok: true })
    fs.writeFileSync(file, 'second')
    const again = memo.bytes(file)
    expect(again.ok && again.bytes.toString()).toBe('first')
    const next = new FsMemo().bytes(file)
    expect(next.ok && next.bytes.toString()).toBe('second')
  })

  it('reading a folder answers EISDIR and reading a missing file ENOENT', () => {
    const memo = new FsMemo()
    expect(memo.bytes(dir)).toEqual({ ok: false, code: 'EISDIR' })
    expect(memo.bytes(path.join(dir, 'nope.any'))).toEqual({ ok: false, code: 'ENOENT' })
  })

  it('a missing folder lists as undefined without throwing, an existing one lists its entries', () => {
    write('list/x.any', '')
    write('list/y.any', '')
    const memo = new FsMemo()
    expect(memo.readdir(path.join(dir, 'no-such-folder'))).toBeUndefined()
    expect(memo.readdir(path.join(dir, 'list'))?.slice().sort()).toEqual(['x.any', 'y.any'])
  })

  it('two names of one file (a symbolic link) are the same file, as their real paths say', () => {
    const file = write('same/real.any', '/x "1"')
    const link = path.join(dir, 'same', 'link.any')
    fs.symlinkSync(file, link)
    expect(new FsMemo().sameFile(file, link)).toBe(true)
  })

  it('a copy with identical contents is not the same file, nor is a file with other contents', () => {
    const a = write('diff/a.any', '/x "1"')
    const copy = write('diff/copy.any', '/x "1"')
    const other = write('diff/other.any', '/x "2"')
    const memo = new FsMemo()
    expect(memo.sameFile(a, copy)).toBe(false)
    expect(memo.sameFile(a, other)).toBe(false)
  })

  it('a missing file is only the same as itself', () => {
    const memo = new FsMemo()
    const missing = path.join(dir, 'gone.any')
    expect(memo.sameFile(missing, missing)).toBe(true)
    expect(memo.sameFile(missing, path.join(dir, 'gone2.any'))).toBe(false)
  })
})
