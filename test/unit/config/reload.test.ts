/**
 * Loading the same configuration again (hot reload) reuses what was derived from unchanged
 * files (content-cache.ts) and must give exactly what a first load gives: every edit is
 * seen, every diagnostic is reported again, and no object is shared with an earlier result.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { LoadedConfig } from '../../../src/shared/config-model'
import { loadConfig } from '../../../src/main/engine/config/load'

/** The corpus beside the repository (as in test/corpus), unless DW_CORPUS_DIR says otherwise. */
const CORPUS =
  process.env.DW_CORPUS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const SDK_SRC = path.join(CORPUS, 'aem-design__docker-dispatcher-sdk', 'src')
const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** A writable copy of the Dispatcher SDK's own `src` (an AEMaaCS layout). */
function sdkCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-'))
  made.push(dir)
  fs.cpSync(SDK_SRC, dir, { recursive: true })
  const writable = (d: string): void => {
    fs.chmodSync(d, 0o755)
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) writable(full)
      else fs.chmodSync(full, 0o644)
    }
  }
  writable(dir)
  return dir
}

function append(dir: string, rel: string, text: string): void {
  fs.appendFileSync(path.join(dir, rel), text)
}

/** The result as JSON, without the load time. */
function json(c: LoadedConfig): string {
  return JSON.stringify({ ...c, loadedAt: 0 })
}

const codes = (c: LoadedConfig): string[] => c.diagnostics.map((d) => d.code)

describe('reloading a configuration', () => {
  it('an unchanged configuration loads to the same result, made of new objects', () => {
    const dir = sdkCopy()
    const first = loadConfig(dir)
    const second = loadConfig(dir)
    expect(json(second)).toBe(json(first))
    const [v1, v2] = [first.apache!.virtualHosts[0], second.apache!.virtualHosts[0]]
    expect(v2.pos).not.toBe(v1.pos)
    expect(v2.addresses).not.toBe(v1.addresses)
    expect(second.dispatcher.farms[0].filter).not.toBe(first.dispatcher.farms[0].filter)
  })

  it('changing one load’s model does not reach the next load', () => {
    const dir = sdkCopy()
    const first = loadConfig(dir)
    const expected = json(loadConfig(dir))
    first.apache!.virtualHosts[0].addresses.push('*:9999')
    first.apache!.virtualHosts[0].pos.line = 999
    expect(json(loadConfig(dir))).toBe(expected)
  })

  it('an edit to an Apache file is seen by the next load', () => {
    const dir = sdkCopy()
    const publish = (c: LoadedConfig) => c.apache!.virtualHosts.find((v) => v.serverName?.value === 'publish')!
    const before = publish(loadConfig(dir)).settings.rewriteRules.length
    append(dir, 'conf.d/rewrites/rewrite.rules', 'RewriteRule ^/added$ /content/added.html [PT,L]\n')
    const rules = publish(loadConfig(dir)).settings.rewriteRules
    expect(rules.length).toBe(before + 1)
    expect(rules.map((r) => r.pattern)).toContain('^/added$')
  })

  it('an edit to a dispatcher.any file is seen by the next load', () => {
    const dir = sdkCopy()
    const before = loadConfig(dir).dispatcher.farms[0].filter!.length
    append(dir, 'conf.dispatcher.d/filters/filters.any', '/9999 { /type "allow" /url "/added/*" }\n')
    const filter = loadConfig(dir).dispatcher.farms[0].filter!
    expect(filter.length).toBe(before + 1)
    expect(filter[filter.length - 1].label).toBe('9999')
  })

  it('an edit to an immutable SDK file is reported by the next load (SDK_IMMUTABLE_CHANGED)', () => {
    const dir = sdkCopy()
    expect(codes(loadConfig(dir))).not.toContain('SDK_IMMUTABLE_CHANGED')
    append(dir, 'conf.dispatcher.d/cache/default_rules.any', '# edited\n')
    expect(codes(loadConfig(dir))).toContain('SDK_IMMUTABLE_CHANGED')
  })

  it('a RewriteMap file is read by every load: one missing is reported until it is created', () => {
    const dir = sdkCopy()
    const mapFile = path.join(dir, 'conf.d', 'rewrites', 'redirects.map')
    append(dir, 'conf.d/rewrites/rewrite.rules', `RewriteMap redirects "txt:${mapFile}"\n`)
    expect(codes(loadConfig(dir))).toContain('REWRITE_MAP_FILE_MISSING')
    fs.writeFileSync(mapFile, '/old /new\n')
    expect(codes(loadConfig(dir))).not.toContain('REWRITE_MAP_FILE_MISSING')
    fs.rmSync(mapFile)
    expect(codes(loadConfig(dir))).toContain('REWRITE_MAP_FILE_MISSING')
  })

  it('syntax errors of unchanged files are reported again by every load, at the same positions', () => {
    const dir = sdkCopy()
    append(dir, 'conf.d/rewrites/rewrite.rules', '<Location /x>\n')
    append(dir, 'conf.dispatcher.d/filters/filters.any', '/9998 { /type "allow /url "/x" }\n')
    const first = loadConfig(dir)
    const second = loadConfig(dir)
    expect(codes(first)).toContain('APACHE_UNCLOSED_SECTION')
    expect(codes(first)).toContain('ANY_UNCLOSED_QUOTE')
    expect(second.diagnostics).toEqual(first.diagnostics)
  })
})
