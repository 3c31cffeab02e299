/**
 * Two rules of one list under one label (dispatcher-behavior.md §1.2, undocumented): both are
 * kept in document order, and the later still wins, but the trace and the module's log name
 * the deciding rule by its label, so a warning points at the second one.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileFilter, decideFilter } from '../../../src/main/engine/pipeline/filter'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplicate-labels-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function load(farmBody: string): ReturnType<typeof loadConfig> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /virtualhosts { "*" }\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n${farmBody}\n  }\n}\n`
  )
  return loadConfig(file)
}

const duplicates = (c: ReturnType<typeof loadConfig>): { line: number | undefined; message: string }[] =>
  c.diagnostics
    .filter((d) => d.code === 'MODEL_DUPLICATE_LABEL')
    .map((d) => ({ line: d.pos?.line, message: d.message }))

describe('duplicate rule labels', () => {
  it('in /filter: both rules kept in order, the later decides, a warning at the second naming the first', () => {
    const c = load(
      [
        '    /filter {',
        '      /0001 { /type "deny" /url "*" }',
        '      /0091 { /type "allow" /url "/dup/*" }',
        '      /0091 { /type "deny" /url "/dup/x.html" }',
        '    }'
      ].join('\n')
    )
    const farm = c.dispatcher!.farms[0]
    expect(farm.filter!.map((r) => r.label)).toEqual(['0001', '0091', '0091'])
    const d = decideFilter(compileFilter(farm.filter), {
      method: 'GET',
      url: '/dup/x.html',
      query: null,
      protocol: 'HTTP/1.1'
    })
    expect(d.decision).toBe('deny')
    expect(d.rule?.pos.line).toBe(8)
    const w = duplicates(c)
    expect(w).toHaveLength(1)
    expect(w[0].line).toBe(8)
    expect(w[0].message).toContain(`rule label /0091 is used again in /farms/site/filter (first at ${c.anyFile}:7)`)
  })

  it('in the /cache rule lists too; the same label in two different lists is no duplicate', () => {
    const c = load(
      [
        '    /filter { /0001 { /type "allow" /url "*" } }',
        '    /cache {',
        `      /docroot "${dir}/cache"`,
        '      /rules { /0000 { /glob "*" /type "allow" } /0000 { /glob "*.json" /type "deny" } }',
        '      /invalidate { /0000 { /glob "*" /type "deny" } }',
        '    }'
      ].join('\n')
    )
    const w = duplicates(c)
    expect(w).toHaveLength(1)
    expect(w[0].message).toContain('rule label /0000 is used again in /farms/site/cache/rules')
  })
})
