import { describe, expect, it } from 'vitest'
import { atoi, atoi64 } from '../../../src/main/engine/c-numbers'

describe('C number parsing (c-numbers.ts)', () => {
  it('atoi reads leading space, a sign and digits up to the first non-digit; nothing readable is 0', () => {
    expect(atoi(' \t42abc')).toBe(42)
    expect(atoi('-7')).toBe(-7)
    expect(atoi('+8')).toBe(8)
    expect(atoi('x1')).toBe(0)
    expect(atoi('')).toBe(0)
  })

  it('atoi keeps the low 32 bits of a long, which saturates first beyond 64 bits (glibc)', () => {
    expect(atoi('2147483648')).toBe(-2147483648)
    expect(atoi('99999999999')).toBe(1215752191)
    expect(atoi('99999999999999999999')).toBe(-1)
    expect(atoi('-99999999999999999999')).toBe(0)
  })

  it('atoi64 saturates at the 64-bit bounds', () => {
    expect(atoi64('99999999999999999999')).toBe(2n ** 63n - 1n)
    expect(atoi64('-99999999999999999999')).toBe(-(2n ** 63n))
  })
})
