/**
 * A `dispatcher/src` whose Apache side is there but whose `conf.dispatcher.d` is not (a half
 * made or wrongly copied project): the load still happens, and the error is where the file is
 * named, the `DispatcherConfig` line, so `check` names file:line:col and exits 1, not 2.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { resourcesDir } from '../../../src/main/engine/resources'

const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** The embedded configuration without its conf.dispatcher.d folder. */
function apacheOnly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-any-'))
  made.push(dir)
  fs.cpSync(path.join(resourcesDir(), 'default-config'), dir, { recursive: true })
  fs.rmSync(path.join(dir, 'conf.dispatcher.d'), { recursive: true })
  return dir
}

describe('an AEMaaCS tree without conf.dispatcher.d', () => {
  it('loads, with ANY_FILE_MISSING at the DispatcherConfig line, and watches the missing file', () => {
    const dir = apacheOnly()
    const loaded = loadConfig(dir)
    const missing = loaded.diagnostics.filter((d) => d.code === 'ANY_FILE_MISSING')
    expect(missing).toHaveLength(1)
    expect(missing[0].severity).toBe('error')
    expect(missing[0].message).toContain('DispatcherConfig names conf.dispatcher.d/dispatcher.any')
    const at = missing[0].pos!
    const line = fs.readFileSync(at.file, 'utf8').split('\n')[at.line - 1]
    expect(line.trim()).toMatch(/^DispatcherConfig\s+conf\.dispatcher\.d\/dispatcher\.any$/)
    expect(loaded.layout).toBe('aemaacs')
    expect(loaded.dispatcher.farms).toEqual([])
    // Creating it makes the watcher reload.
    expect(loaded.files).toContain(path.join(dir, 'conf.dispatcher.d', 'dispatcher.any'))
  })

  it('a folder with neither side is still refused as input', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-config-'))
    made.push(dir)
    expect(() => loadConfig(dir)).toThrow(/found neither conf\.dispatcher\.d\/dispatcher\.any/)
  })
})

describe('an httpd.conf whose includes blow up before its DispatcherConfig', () => {
  it('loads with the include-limit error at its Include line, not an input error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bomb-'))
    made.push(dir)
    const lines = (n: number, line: string): string => Array.from({ length: n }, () => line).join('\n')
    fs.writeFileSync(path.join(dir, 'a.conf'), lines(200, 'ServerAdmin a@b.c'))
    fs.writeFileSync(path.join(dir, 'b.conf'), lines(100, `Include ${path.join(dir, 'a.conf')}`))
    fs.writeFileSync(path.join(dir, 'c.conf'), lines(100, `Include ${path.join(dir, 'b.conf')}`))
    fs.writeFileSync(
      path.join(dir, 'httpd.conf'),
      ['ServerName localhost', `Include ${path.join(dir, 'c.conf')}`, 'DispatcherConfig dispatcher.any'].join('\n')
    )
    fs.writeFileSync(path.join(dir, 'dispatcher.any'), '/farms { }\n')
    const loaded = loadConfig(path.join(dir, 'httpd.conf'))
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    expect(errors.map((d) => [d.code, path.basename(d.pos!.file), d.pos!.line])).toEqual([
      ['APACHE_INCLUDE_LIMIT', 'httpd.conf', 2]
    ])
  })
})
