import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PatternSpec } from '../../../src/shared/config-model'
import { compilePattern, unescapeQuoted } from '../../../src/main/engine/match/pattern'
import { PatternError } from '../../../src/main/engine/match/posix-regex'

const CORPUS = '/work/shared/corpus'
const pos = { file: '/virtual/filters.any', line: 1, column: 1 }
const regex = (source: string): PatternSpec => ({ kind: 'regex', source, pos })
const glob = (source: string): PatternSpec => ({ kind: 'glob', source, pos })

describe('compilePattern: quote kind decides the syntax (§1.1)', () => {
  it('a double-quoted pattern is a glob, a single-quoted one a regex', () => {
    expect(compilePattern(glob('/content/*')).test('/content/a/b.html')).toBe(true)
    expect(compilePattern(regex('/content/*')).test('/content/a/b.html')).toBe(false)
    expect(compilePattern(regex('/content/.*')).test('/content/a/b.html')).toBe(true)
  })

  it('keeps the spec it was given and reports regex notes', () => {
    const spec = regex('\\d')
    const c = compilePattern(spec)
    expect(c.spec).toBe(spec)
    expect(c.notes).toHaveLength(1)
  })

  it('compiles each kind+source once: equal specs share the same matcher', () => {
    const a = compilePattern(regex('(html|json)'))
    const b = compilePattern({ ...regex('(html|json)'), pos: { ...pos, line: 99 } })
    expect(a.test).toBe(b.test)
    expect(compilePattern(glob('(html|json)')).test).not.toBe(a.test)
  })

  it('an invalid regex throws a PatternError every time it is compiled', () => {
    expect(() => compilePattern(regex('(a'))).toThrow(PatternError)
    expect(() => compilePattern(regex('(a'))).toThrow("unmatched '('")
  })
})

describe('backslashes as dispatcher.any reads them', () => {
  it('\\\\ becomes one backslash, \\\' and \\" become the quote, other backslashes stay', () => {
    expect(unescapeQuoted('.*\\\\.(css)$')).toBe('.*\\.(css)$')
    expect(unescapeQuoted('a\\\'b\\"c')).toBe('a\'b"c')
    expect(unescapeQuoted('a\\.b')).toBe('a\\.b')
  })

  it("the AMS clientlibs rule '.*\\\\.(css|js)$' matches /site/x.css and not /site/xcss", () => {
    const c = compilePattern(regex('.*\\\\.(css|eot|gif|ico|jpeg|jpg|js|gif|png|svg|swf|ttf|woff|woff2)$'))
    expect(c.test('/site/clientlib.min.css')).toBe(true)
    expect(c.test('/site/xcss')).toBe(false)
  })

  it("a single backslash means the same: '/etc.clientlibs/(clientlibs|foundation|core).*\\.(css|js)'", () => {
    const c = compilePattern(regex('/etc.clientlibs/(clientlibs|foundation|core).*\\.(css|js)'))
    expect(c.test('/etc.clientlibs/core/wcm/x.min.js')).toBe(true)
    expect(c.test('/etc.clientlibs/core/wcm/xjs')).toBe(false)
  })

  it("the AMS bracket guard '.*(\\\\[|]).*' matches URLs holding '[' or ']'", () => {
    const c = compilePattern(regex('.*(\\\\[|]).*'))
    expect(c.test('/content/.[./x.html')).toBe(true)
    expect(c.test('/content/a]b.html')).toBe(true)
    expect(c.test('/content/a.html')).toBe(false)
  })

  it('a glob keeps any other backslash as an ordinary character', () => {
    expect(compilePattern(glob('a\\b*')).test('a\\bc')).toBe(true)
  })
})

function filterValues(dir: string): { file: string; element: string; source: string }[] {
  const out: { file: string; element: string; source: string }[] = []
  const re = /\/(method|url|query|protocol|path|selectors|extension|suffix|glob)\s+'([^'\n]*)'/g
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(any|farm|sample)$/.test(e.name)) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
          const code = line.replace(/#.*$/, '')
          for (const m of code.matchAll(re)) out.push({ file: p, element: m[1], source: m[2] })
        }
      }
    }
  }
  walk(dir)
  return out
}

describe.skipIf(!fs.existsSync(CORPUS))('every single-quoted filter value in the corpus', () => {
  it('compiles as a POSIX ERE', () => {
    const values = filterValues(CORPUS)
    expect(values.length).toBeGreaterThan(100)
    const failures = values.flatMap((v) => {
      try {
        compilePattern(regex(v.source))
        return []
      } catch (e) {
        return [`${v.file}: /${v.element} '${v.source}': ${(e as Error).message}`]
      }
    })
    expect(failures).toEqual([])
  })

  it("the documented '(json|xml|html|feed))' compiles with a note and no longer matches json", () => {
    const c = compilePattern(regex('(json|xml|html|feed))'))
    expect(c.test('json')).toBe(false)
    expect(c.notes[0]).toContain('closes no group')
  })
})
