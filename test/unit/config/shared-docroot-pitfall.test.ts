/**
 * Pitfall 13 (dispatcher-behavior.md §10): two farms caching into one docroot but dating their
 * files with different `.stat` levels (a flush farm and its site farm, typically). A flush
 * through one touches `.stat` files the other reads differently: a warning at the second
 * farm's setting. Farms with their own docroots, or counting alike, say nothing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-docroot-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The warnings for two farms with these `/cache` bodies. */
function warnings(site: string, flush: string): { message: string; line: number | undefined }[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  const render = '    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n'
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /virtualhosts { "*" }\n${render}    /cache {\n${site}\n    }\n  }\n` +
      `  /flush {\n    /virtualhosts { "flush" }\n    /cache {\n${flush}\n    }\n  }\n}\n`
  )
  return loadConfig(file)
    .diagnostics.filter((d) => d.code === 'PITFALL_SHARED_DOCROOT_LEVELS')
    .map((d) => ({ message: d.message, line: d.pos?.line }))
}

const root = (d: string): string => `      /docroot "${path.join(dir, d)}"`

describe('farms sharing a docroot', () => {
  it('with different /statfileslevel: a warning at the second farm’s level, naming both', () => {
    const w = warnings(`${root('cache')}\n      /statfileslevel "2"`, `${root('cache/')}\n      /statfileslevel "0"`)
    expect(w).toHaveLength(1)
    expect(w[0].line).toBe(14)
    expect(w[0].message).toContain('farm /flush caches into')
    expect(w[0].message).toContain('/statfileslevel "0" where /site uses /statfileslevel "2"')
  })

  it('one dating by /statfile, the other by levels: a warning', () => {
    const w = warnings(
      `${root('cache')}\n      /statfileslevel "2"`,
      `${root('cache')}\n      /statfile "${dir}/.stat"`
    )
    expect(w).toHaveLength(1)
    expect(w[0].message).toContain(`/statfile "${dir}/.stat" where /site uses /statfileslevel "2"`)
  })

  it('says nothing when they count alike (the default level too) or cache apart', () => {
    expect(
      warnings(`${root('cache')}\n      /statfileslevel "2"`, `${root('cache')}\n      /statfileslevel "2"`)
    ).toEqual([])
    expect(warnings(root('cache'), `${root('cache')}\n      /statfileslevel "0"`)).toEqual([])
    expect(warnings(`${root('a')}\n      /statfileslevel "2"`, `${root('b')}\n      /statfileslevel "0"`)).toEqual([])
  })
})
