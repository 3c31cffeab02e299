/**
 * A server root without conf/httpd.conf is read with the workbench's stand-in for it. For an
 * AMS or classic tree that is worth saying (traces name its lines); an AEMaaCS project never has
 * one, as the SDK image brings it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const made: string[] = []
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

describe('the stand-in httpd.conf', () => {
  it('an AMS-style tree without conf/httpd.conf gets an info naming the missing file and the stand-in read instead', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'base-httpd-'))
    made.push(dir)
    fs.mkdirSync(path.join(dir, 'conf.d'))
    fs.writeFileSync(
      path.join(dir, 'conf.d', 'site.conf'),
      '<VirtualHost *:80>\n  ServerName a.example\n</VirtualHost>\n'
    )
    fs.mkdirSync(path.join(dir, 'conf.dispatcher.d'))
    fs.writeFileSync(
      path.join(dir, 'conf.dispatcher.d', 'dispatcher.any'),
      '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "4503" } } } }\n'
    )
    const loaded = loadConfig(dir)
    expect(loaded.layout).toBe('classic')
    const info = loaded.diagnostics.filter((d) => d.code === 'APACHE_BASE_HTTPD')
    expect(info.map((d) => [d.severity, d.pos?.file, d.pos?.line])).toEqual([
      ['info', path.join(ROOT, 'resources', 'base-httpd.conf'), 1]
    ])
    expect(info[0].message).toContain(
      `${path.join(dir, 'conf', 'httpd.conf')} does not exist: the workbench's stand-in`
    )
  })

  it('an AEMaaCS project (the embedded default) does not: the SDK image always brings its own', () => {
    const loaded = loadConfig(path.join(ROOT, 'resources', 'default-config'))
    expect(loaded.diagnostics.filter((d) => d.code === 'APACHE_BASE_HTTPD')).toEqual([])
  })
})
