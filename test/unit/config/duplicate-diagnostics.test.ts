/**
 * A file `$include`d by two farms is read and checked once per farm (AMS: ams_publish_filters.any
 * in publishflushfarm and publishfarm). The same finding at the same place is reported once,
 * in the order first found; findings that differ only in their farm stay apart.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { formatDiagnostic } from '../../../src/shared/diagnostics'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dup-diagnostics-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const FILTERS = [
  '/0001 { /type "deny" /url "*" }',
  '/0014 { /type "allow" /method "POST" /url "/content/[.]*.form.html" }',
  '/0019 { /type "deny" /query "wcmmode=*" }'
].join('\n')

function farm(name: string): string {
  return [
    `  /${name} {`,
    '    /virtualhosts { "*" }',
    '    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }',
    '    /filter {',
    '      $include "filters.any"',
    '    }',
    '  }'
  ].join('\n')
}

describe('diagnostics of a file included by two farms', () => {
  it('are reported once each, in the order found', () => {
    fs.writeFileSync(path.join(dir, 'filters.any'), `${FILTERS}\n`)
    const any = path.join(dir, 'dispatcher.any')
    fs.writeFileSync(any, `/farms {\n${farm('flushfarm')}\n${farm('publishfarm')}\n}\n`)
    const lines = loadConfig(any)
      .diagnostics.filter((d) => d.pos?.file === path.join(dir, 'filters.any'))
      .map((d) => formatDiagnostic(d, (f) => path.basename(f)))
    expect(lines.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'filters.any:2:43: warning PITFALL_BRACKET_DOT',
      'filters.any:3:29: warning PITFALL_ANCHORED_QUERY_DENY'
    ])
    expect(new Set(lines).size).toBe(lines.length)
  })
})
