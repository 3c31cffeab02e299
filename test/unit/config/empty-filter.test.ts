/**
 * A `/filter` with no rule denies every request (dispatcher-behavior.md §4.3), with no rule to
 * warn about: the farm itself is reported, at its /filter. A filter of deny rules only (AMS's
 * catch-all farm) and a farm without /filter (everything accepted) are not.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-filter-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function warnings(filter: string, extra = ''): { message: string; line: number | undefined }[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(path.join(dir, 'empty.any'), '# wiped\n')
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /virtualhosts { "*" }\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n` +
      `${filter}\n${extra}\n  }\n}\n`
  )
  return loadConfig(file)
    .diagnostics.filter((d) => d.code === 'MODEL_FILTER_EMPTY')
    .map((d) => ({ message: d.message, line: d.pos?.line }))
}

describe('MODEL_FILTER_EMPTY', () => {
  it('a /filter whose include is empty: a warning at /filter saying every request is denied', () => {
    expect(warnings('    /filter {\n      $include "empty.any"\n    }')).toEqual([
      {
        line: 5,
        message:
          'farm /site: /filter holds no rule, so it allows nothing: every request this farm takes is denied (404); ' +
          'without a /filter section the farm would accept every request instead'
      }
    ])
  })

  it('with /vanity_urls it says those still pass', () => {
    const vanity =
      '    /vanity_urls { /url "/libs/granite/dispatcher/content/vanityUrls.html" /file "/tmp/vanity" /delay 300 }'
    expect(warnings('    /filter { }', vanity)[0].message).toContain('denied (404) unless it is a vanity URL')
  })

  it('deny rules only, or no /filter at all: nothing', () => {
    expect(warnings('    /filter { /0001 { /type "deny" /url "*" } }')).toEqual([])
    expect(warnings('')).toEqual([])
  })
})
