/**
 * Sticky pages the cache keeps (dispatcher-behavior.md §6.2: "sticky pages should normally not
 * be cached"): once cached, a page below a sticky path is served to every visitor without
 * asking the render their renderid cookie names. A warning at the sticky path when /cache/rules
 * allow a page below it; none when the rules deny it or there is no cache.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sticky-cached-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The warnings for one farm with these sticky and cache sections. */
function warnings(sticky: string, cache: string): { message: string; line: number | undefined }[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /virtualhosts { "*" }\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n` +
      `${sticky}\n${cache}\n  }\n}\n`
  )
  return loadConfig(file)
    .diagnostics.filter((d) => d.code === 'PITFALL_STICKY_CACHED')
    .map((d) => ({ message: d.message, line: d.pos?.line }))
}

const cache = (rules: string): string =>
  `    /cache {\n      /docroot "${dir}"\n      /rules {\n${rules}\n      }\n    }`

describe('sticky pages that are cached', () => {
  it('/stickyConnectionsFor under a cache that allows everything: a warning at the sticky path, naming the rule', () => {
    const w = warnings('    /stickyConnectionsFor "/content/shop"', cache('        /0000 { /glob "*" /type "allow" }'))
    expect(w).toEqual([
      {
        line: 5,
        message: expect.stringContaining(
          'farm /site: requests below the sticky path "/content/shop" are cached (/cache/rules /0000 allows /content/shop/page.html)'
        )
      }
    ])
  })

  it('each /stickyConnections path is judged alone: a denied one says nothing', () => {
    const w = warnings(
      '    /stickyConnections { /paths { "/content/shop" "/content/account/" } }',
      cache('        /0000 { /glob "*" /type "allow" }\n        /0001 { /glob "/content/shop/*" /type "deny" }')
    )
    expect(w.map((x) => x.message.match(/sticky path "([^"]+)"/)?.[1])).toEqual(['/content/account/'])
  })

  it('no warning without sticky paths, or without a cache docroot', () => {
    expect(warnings('', cache('        /0000 { /glob "*" /type "allow" }'))).toEqual([])
    expect(warnings('    /stickyConnectionsFor "/content/shop"', '')).toEqual([])
  })
})
