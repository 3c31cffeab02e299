/** Reading a POSIX ERE's alternatives and needed characters off its source (match/ere-shape.ts). */
import { describe, expect, it } from 'vitest'
import { ereAlternatives, ereNeedsChar } from '../../../src/main/engine/match/ere-shape'

describe('ereAlternatives', () => {
  it('splits at the top level only: not inside groups, bracket expressions or after a backslash', () => {
    expect(ereAlternatives('/a|/b')).toEqual(['/a', '/b'])
    expect(ereAlternatives('(a|b)c|d')).toEqual(['(a|b)c', 'd'])
    expect(ereAlternatives('[|]x|y')).toEqual(['[|]x', 'y'])
    expect(ereAlternatives('[]|]x|y')).toEqual(['[]|]x', 'y'])
    expect(ereAlternatives('[[:alpha:]|]|z')).toEqual(['[[:alpha:]|]', 'z'])
    expect(ereAlternatives('a\\|b')).toEqual(['a\\|b'])
    expect(ereAlternatives('')).toEqual([''])
  })
})

describe('ereNeedsChar', () => {
  it('a literal (escaped, or alone in a bracket expression) is needed unless a quantifier lets it go', () => {
    expect(ereNeedsChar('/etc\\.clientlibs', '.')).toBe(true)
    expect(ereNeedsChar('/etc[.]clientlibs', '.')).toBe(true)
    expect(ereNeedsChar('/etc\\.+x', '.')).toBe(true)
    expect(ereNeedsChar('/etc\\.{2}', '.')).toBe(true)
    expect(ereNeedsChar('/etc\\.?x', '.')).toBe(false)
    expect(ereNeedsChar('/etc\\.*', '.')).toBe(false)
    expect(ereNeedsChar('/etc\\.+?', '.')).toBe(false)
    expect(ereNeedsChar('/etc\\.{0,3}', '.')).toBe(false)
    expect(ereNeedsChar('/etc\\.{,3}', '.')).toBe(false)
  })

  it('an unescaped dot is any character, a class with other members or negated does not need it', () => {
    expect(ereNeedsChar('/content/.*', '.')).toBe(false)
    expect(ereNeedsChar('/a[.b]c', '.')).toBe(false)
    expect(ereNeedsChar('/a[^.]c', '.')).toBe(false)
  })

  it('every alternative must need it; a group needs it when all of its alternatives do', () => {
    expect(ereNeedsChar('/content/.*|/etc\\.clientlibs', '.')).toBe(false)
    expect(ereNeedsChar('/a\\.b|/c\\.d', '.')).toBe(true)
    expect(ereNeedsChar('(/a\\.b|/c[.]d)', '.')).toBe(true)
    expect(ereNeedsChar('(/a\\.b|/c)', '.')).toBe(false)
    expect(ereNeedsChar('/x(\\.html)?', '.')).toBe(false)
    expect(ereNeedsChar('/x(\\.html)', '.')).toBe(true)
  })
})
