import { describe, expect, it } from 'vitest'
import { inWireOrder } from '../../../src/main/engine/http/wire-lines'

const usual = (key: string): string => key.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())

describe('a head put back in the order and spelling of its Header lines', () => {
  it('a name’s lines stand apart where the lines have them, each with its value in turn', () => {
    const out = inWireOrder(
      { 'x-a': ['1', '3'], 'x-b': '2', 'content-length': '5' },
      [
        { key: 'x-a', value: '1', name: 'X-A' },
        { key: 'x-b', value: '2', name: 'X-B' },
        { key: 'x-a', value: '3', name: 'X-A' },
        { key: 'content-length', value: '5' }
      ],
      usual
    )
    expect(out).toEqual([
      ['X-A', '1'],
      ['X-B', '2'],
      ['X-A', '3'],
      ['Content-Length', '5']
    ])
  })

  it('a line keeps its writer’s spelling; one no directive wrote is spelled as usual', () => {
    const out = inWireOrder(
      { 'x-low': ['1', '2'], etag: '"e"' },
      [
        { key: 'x-low', value: '1', name: 'x-low' },
        { key: 'x-low', value: '2', name: 'X-LOW' },
        { key: 'etag', value: '"e"' }
      ],
      (key) => (key === 'etag' ? 'ETag' : usual(key))
    )
    expect(out).toEqual([
      ['x-low', '1'],
      ['X-LOW', '2'],
      ['ETag', '"e"']
    ])
  })

  it('a name whose lines a later filter changed in number keeps the record’s order; names added later keep their place', () => {
    const out = inWireOrder(
      { 'x-a': ['1', '3'], 'x-b': '2', server: 'Apache', 'x-c': ['c', 'later'], 'Content-Length': '5' },
      [
        { key: 'x-a', value: '1', name: 'X-A' },
        { key: 'x-b', value: '2', name: 'X-B' },
        { key: 'x-a', value: '3', name: 'X-A' },
        { key: 'x-c', value: 'c', name: 'x-c' }
      ],
      usual
    )
    expect(out).toEqual([
      ['X-A', '1'],
      ['X-B', '2'],
      ['X-A', '3'],
      ['Server', 'Apache'],
      ['x-c', 'c'],
      ['X-C', 'later'],
      ['Content-Length', '5']
    ])
  })

  it('a name whose lines a later filter made one goes out where its first line stood (fixup_vary)', () => {
    const out = inWireOrder(
      { 'x-v': ['1', '2'], vary: 'X-Q, X-Z' },
      [
        { key: 'x-v', value: '1', name: 'X-V' },
        { key: 'vary', value: 'X-Q', name: 'Vary' },
        { key: 'vary', value: 'X-Z', name: 'Vary' },
        { key: 'x-v', value: '2', name: 'X-V' }
      ],
      usual
    )
    expect(out).toEqual([
      ['X-V', '1'],
      ['Vary', 'X-Q, X-Z'],
      ['X-V', '2']
    ])
  })

  it('nothing to change: null, the record says it all', () => {
    expect(
      inWireOrder(
        { 'x-a': '1', 'x-b': '2' },
        [
          { key: 'x-a', value: '1', name: 'X-A' },
          { key: 'x-b', value: '2' }
        ],
        usual
      )
    ).toBe(null)
  })
})
