import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { containerProbe } from '../../../src/main/engine/runtime/apache-runtime'

describe('containerProbe: the file system as the Dispatcher runtime sees it', () => {
  const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-probe-'))
  fs.writeFileSync(path.join(docroot, 'a.html'), 'a')

  it('reads below the docroot from disk', () => {
    const probe = containerProbe(docroot)
    expect(probe.stat(path.join(docroot, 'a.html'))?.kind).toBe('file')
    expect(probe.stat(path.join(docroot, 'missing.html'))).toBeNull()
  })

  it("knows a Linux container's top folders, and nothing else outside the docroot", () => {
    const probe = containerProbe('/srv/cache/docroot')
    expect(probe.stat('/etc')?.kind).toBe('dir')
    expect(probe.stat('/etc/passwd')).toBeNull()
    expect(probe.stat('/content')).toBeNull()
  })

  it("has the docroot's parent folders, wherever the workbench keeps its cache (%{DOCUMENT_ROOT}/… rewrites stay unprefixed)", () => {
    const probe = containerProbe('/Users/me/Library/workbench/cache')
    expect(probe.stat('/Users')?.kind).toBe('dir')
    expect(probe.stat('/Users/me/Library')?.kind).toBe('dir')
    expect(probe.stat('/Usersx')).toBeNull()
    // An empty path is nothing (-d '' is false in httpd), not the root's parent.
    expect(probe.stat('')).toBeNull()
  })
})

describe('containerProbe and symbolic links', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-probe-links-'))
  const docroot = path.join(base, 'docroot')
  fs.mkdirSync(path.join(docroot, 'sub'), { recursive: true })
  fs.writeFileSync(path.join(docroot, 'a.html'), 'a')
  fs.writeFileSync(path.join(base, 'outside.txt'), 'secret')
  fs.symlinkSync(path.join(docroot, 'a.html'), path.join(docroot, 'link.html'))
  fs.symlinkSync(path.join(docroot, 'sub'), path.join(docroot, 'dirlink'))
  fs.symlinkSync(path.join(base, 'outside.txt'), path.join(docroot, 'out.txt'))
  fs.symlinkSync(path.join(docroot, 'gone.html'), path.join(docroot, 'dangling.html'))

  it('a link inside the docroot is what it leads to (-f, -d as apr_stat says), still known as a link (-L)', () => {
    const probe = containerProbe(docroot)
    expect(probe.stat(path.join(docroot, 'link.html'))).toMatchObject({ kind: 'file', symlink: true })
    expect(probe.stat(path.join(docroot, 'dirlink'))).toMatchObject({ kind: 'dir', symlink: true })
    expect(probe.stat(path.join(docroot, 'dangling.html'))).toMatchObject({ kind: 'other', symlink: true })
  })

  it('a link leading out of the docroot is neither followed nor read', () => {
    const probe = containerProbe(docroot)
    expect(probe.stat(path.join(docroot, 'out.txt'))).toMatchObject({ kind: 'other', symlink: true })
    expect(probe.readFile?.(path.join(docroot, 'out.txt'))).toBeNull()
    expect(probe.readFile?.(path.join(docroot, 'link.html'))).toBe('a')
  })
})
