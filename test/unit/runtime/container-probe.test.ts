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
  })
})
