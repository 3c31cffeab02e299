/**
 * Pitfall 15 (dispatcher-behavior.md §10): a farm's own `/clientheaders` list replaces the
 * standard headers, so one that leaves out `CSRF-Token` or `X-Requested-With` keeps them from
 * AEM. Said as a warning at the list; the SDK's lists, `"*"` and farms that forward nothing say nothing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { resourcesDir } from '../../../src/main/engine/resources'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clientheaders-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function warnings(farmBody: string, renders = true): { message: string; line: number | undefined }[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  const r = renders ? '    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n' : ''
  fs.writeFileSync(file, `/farms {\n  /site {\n    /virtualhosts { "*" }\n${r}${farmBody}\n  }\n}\n`)
  return loadConfig(file)
    .diagnostics.filter((d) => d.code === 'PITFALL_CLIENTHEADERS_INCOMPLETE')
    .map((d) => ({ message: d.message, line: d.pos?.line }))
}

describe('a /clientheaders list without the headers AEM relies on', () => {
  it('is a warning at the list naming what is missing', () => {
    const w = warnings(`    /clientheaders {\n      "host"\n      "cookie"\n      "x-requested-with"\n    }`)
    expect(w).toHaveLength(1)
    expect(w[0].line).toBe(6)
    expect(w[0].message).toContain('farm /site /clientheaders does not name CSRF-Token:')
    expect(w[0].message).toContain('POSTs fail the Sling CSRF filter with 403')
    expect(warnings(`    /clientheaders { "csrf-token" }`)[0].message).toContain('does not name X-Requested-With:')
  })

  it('says nothing for "*", a complete list, no list, or a farm that forwards nothing', () => {
    expect(warnings(`    /clientheaders { "*" }`)).toEqual([])
    expect(warnings(`    /clientheaders { "CSRF-Token" "X-Requested-With" }`)).toEqual([])
    expect(warnings('')).toEqual([])
    expect(warnings(`    /clientheaders { "host" }\n    /cache { /docroot "${dir}" }`, false)).toEqual([])
  })

  it('says nothing for the SDK’s lists (the embedded configuration includes them)', () => {
    const loaded = loadConfig(path.join(resourcesDir(), 'default-config'), { embedded: true })
    expect(loaded.diagnostics.filter((d) => d.code === 'PITFALL_CLIENTHEADERS_INCOMPLETE')).toEqual([])
  })
})
