/** httpd's fixup_vary: every Vary line becomes one, each field once (case-insensitively), joined with bare commas. */
import { describe, expect, it } from 'vitest'
import { fixupVary } from '../../../src/main/engine/http/fixup-vary'

describe('fixupVary', () => {
  it('merges every Vary line, in any spelling, keeping the first spelling of each field', () => {
    expect(fixupVary({ Vary: ['Origin', 'origin, X-A'], vary: 'x-a, Accept-Encoding', a: '1' })).toEqual({
      a: '1',
      vary: 'Origin,X-A,Accept-Encoding'
    })
  })

  it('hands an answer without Vary, or with one already merged, on as it is', () => {
    const none = { a: '1' }
    const merged = { vary: 'Origin,X-A' }
    expect(fixupVary(none)).toBe(none)
    expect(fixupVary(merged)).toBe(merged)
  })

  it('makes the merged copy of a shared (frozen) header object once', () => {
    const shared = Object.freeze({ vary: 'Origin, Origin' })
    const first = fixupVary(shared)
    expect(first).toEqual({ vary: 'Origin' })
    expect(fixupVary(shared)).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
  })

  it("keeps a single Vary line where it was, as apr_table_setn does, in the caller's own object", () => {
    const own = { a: '1', vary: 'Accept-Encoding, Origin', b: '2' }
    const out = fixupVary(own)
    expect(out).toBe(own)
    expect(Object.entries(out)).toEqual([
      ['a', '1'],
      ['vary', 'Accept-Encoding,Origin'],
      ['b', '2']
    ])
  })

  it('keeps the merged Vary line where the first one was in a shared (frozen) object as well', () => {
    const entries = [
      ['a', '1'],
      ['vary', 'Accept-Encoding,Origin'],
      ['b', '2']
    ]
    const shared = Object.freeze({ a: '1', vary: 'Accept-Encoding, Origin', b: '2', Vary: 'Origin' })
    expect(Object.entries(fixupVary(shared))).toEqual(entries)
    // The same order as the caller's own object gets: an answer's lines do not move when its headers are shared.
    expect(Object.entries(fixupVary({ a: '1', vary: 'Accept-Encoding, Origin', b: '2' }))).toEqual(entries)
  })
})
