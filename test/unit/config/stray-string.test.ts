/**
 * MODEL_STRAY_STRING's words: the string as the file writes it (no doubled quote), and, for the
 * shape a forgotten closing quote leaves, which value lacks it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stray-string-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function strays(rule: string): string[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /virtualhosts { "*" }\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n` +
      `    /filter {\n      /0001 { /type "deny" /url "*" }\n      ${rule}\n    }\n  }\n}\n`
  )
  return loadConfig(file)
    .diagnostics.filter((d) => d.code === 'MODEL_STRAY_STRING')
    .map((d) => d.message)
}

describe('MODEL_STRAY_STRING', () => {
  it('an unclosed quote: the bare remainder as written, and the value that lacks its closing quote', () => {
    expect(strays('/0110 { /type "allow" /extension "json" /selectors "searchresults /path "/content/*" }')).toEqual([
      'unlabeled string /content/*" ignored in filter rule /0110: "searchresults probably lacks its closing quote ' +
        '("searchresults"), so /selectors runs on to the next quote ("searchresults /path ") and /path is not read as a property'
    ])
  })

  it('a quoted stray string keeps its own quotes, and gets no guess', () => {
    expect(strays(`/0087 { /type "allow" /extension 'json' "*.1.json" }`)).toEqual([
      'unlabeled string "*.1.json" ignored in filter rule /0087'
    ])
  })
})
