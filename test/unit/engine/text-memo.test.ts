import { describe, expect, it } from 'vitest'
import { compilePcre, ExprError, parseExpr } from '../../../src/main/engine/apache-expr'
import { sharedText, textMemo } from '../../../src/main/engine/text-memo'

describe('textMemo', () => {
  it('computes each text once, including results that are undefined', () => {
    const seen: string[] = []
    const f = textMemo((t) => {
      seen.push(t)
      return t === 'none' ? undefined : t.length
    })
    expect([f('abc'), f('abc'), f('none'), f('none')]).toEqual([3, 3, undefined, undefined])
    expect(seen).toEqual(['abc', 'none'])
  })

  it('starts afresh once the limit is reached, so a long session cannot grow it without bound', () => {
    const seen: string[] = []
    const f = textMemo((t) => seen.push(t), 2)
    f('a')
    f('b')
    f('c') // the memo held 2: emptied, then c kept
    f('a')
    expect(seen).toEqual(['a', 'b', 'c', 'a'])
  })
})

describe('sharedText', () => {
  it('gives back the text it is given, built in pieces or whole, short or long', () => {
    const n = 12
    for (const text of [`render /0 answered ${n}`, 'x'.repeat(300) + n]) {
      expect(sharedText(text)).toBe(text)
      expect(sharedText(text.slice(0, 3) + text.slice(3))).toBe(text)
    }
  })
})

describe('remembered compilers', () => {
  it('a remembered ap_expr syntax error is thrown on every parse, not only the first', () => {
    for (let i = 0; i < 3; i++) expect(() => parseExpr("'a' ==")).toThrow(ExprError)
  })

  it('one pattern compiled with different options gives different regexes', () => {
    const plain = compilePcre('^/Content')
    const caseless = compilePcre('^/Content', { caseless: true })
    const multiline = compilePcre('^/Content', { multiline: true })
    expect(plain.ok && plain.regex.test('/content')).toBe(false)
    expect(caseless.ok && caseless.regex.test('/content')).toBe(true)
    expect(multiline.ok && multiline.regex.test('x\n/Content')).toBe(true)
    expect(plain.ok && plain.regex.test('x\n/Content')).toBe(false)
  })

  it('a shared RegExp keeps no state between matches (no g or y flag)', () => {
    const a = compilePcre('(\\d+)$')
    const b = compilePcre('(\\d+)$')
    expect(a.ok && b.ok && a.regex === b.regex).toBe(true)
    if (!a.ok) return
    expect(a.regex.flags).not.toMatch(/[gy]/)
    expect(a.regex.exec('x1')?.[1]).toBe('1')
    expect(a.regex.exec('x1')?.[1]).toBe('1')
  })
})
