import { describe, expect, it } from 'vitest'
import {
  COLUMNS,
  contentWidths,
  DEFAULT_HIDDEN,
  defaultHidden,
  gridTemplate,
  visibleColumns
} from '../../../src/renderer/src/store/columns'
import { row } from './fixtures'

describe('the request log columns', () => {
  it('by default show the request number, and the URL takes what the other columns leave', () => {
    const shown = visibleColumns(DEFAULT_HIDDEN)
    expect(shown.map((c) => c.id)).toEqual([
      'seq',
      'time',
      'method',
      'url',
      'farm',
      'status',
      'outcome',
      'rule',
      'duration',
      'size'
    ])
    const template = gridTemplate(shown, contentWidths(shown, [row(1, { farm: 'publishfarm', rule: '0010' })]))
    // Only the URL takes a share of the room: the others get theirs first.
    expect(template.match(/fr\b/g)).toEqual(['fr'])
    expect(template).toContain('minmax(0, 1fr)')
    expect(shown.find((c) => c.id === 'url')?.width).toBe('minmax(0, 1fr)')
  })

  it('size farm, rule and number columns by their longest value, so "publishfarm" shows whole', () => {
    const shown = visibleColumns(DEFAULT_HIDDEN)
    const widths = contentWidths(shown, [
      row(2, { farm: 'publishfarm', rule: '0010' }),
      row(1234, { farm: null, rule: null })
    ])
    expect(widths.get('farm')).toBe('publishfarm'.length)
    expect(widths.get('rule')).toBe('/0010'.length)
    expect(widths.get('seq')).toBe(4)
    const template = gridTemplate(shown, widths)
    expect(template).toContain('calc(12ch + 2 * var(--cell-pad, 8px))')
    expect(template).toContain('calc(6ch + 2 * var(--cell-pad, 8px))')
  })

  it('the number column is as wide as its digits, and two at least (room for its header)', () => {
    const seq = COLUMNS.filter((c) => c.id === 'seq')
    expect(gridTemplate(seq, contentWidths(seq, [row(7)]))).toBe('calc(2ch + 8px)')
    expect(gridTemplate(seq, contentWidths(seq, [row(7), row(12345)]))).toBe('calc(5ch + 8px)')
  })

  it('a content column is never narrower than its header nor wider than its limit', () => {
    const farm = COLUMNS.filter((c) => c.id === 'farm')
    expect(contentWidths(farm, [row(1, { farm: 'p' })]).get('farm')).toBe('Farm'.length)
    expect(contentWidths(farm, [row(1, { farm: 'x'.repeat(200) })]).get('farm')).toBe(24)
    expect(contentWidths(farm, []).get('farm')).toBe('Farm'.length)
  })

  it('beside an open request the log keeps the number, method, URL, status and outcome the user shows', () => {
    expect(visibleColumns(DEFAULT_HIDDEN, true).map((c) => c.id)).toEqual(['seq', 'method', 'url', 'status', 'outcome'])
    expect(visibleColumns([...DEFAULT_HIDDEN, 'seq'], true).map((c) => c.id)).toEqual([
      'method',
      'url',
      'status',
      'outcome'
    ])
  })

  it('the method column is as wide as its longest method, not a fixed 80 px', () => {
    const method = COLUMNS.filter((c) => c.id === 'method')
    // "Method" (its header) is the widest with GET only; OPTIONS widens it.
    expect(gridTemplate(method, contentWidths(method, [row(1)]))).toBe('calc(7ch + 2 * var(--cell-pad, 8px))')
    expect(gridTemplate(method, contentWidths(method, [row(1, { method: 'OPTIONS' })]))).toBe(
      'calc(8ch + 2 * var(--cell-pad, 8px))'
    )
  })

  it('shows Host with several farms and Render with a farm of several renders, until the user chooses', () => {
    const farm = (...renders: string[]) => ({ renders })
    expect(defaultHidden(undefined)).toEqual(['host', 'render'])
    expect(defaultHidden([farm('0')])).toEqual(['host', 'render'])
    expect(defaultHidden([farm('0'), farm('0')])).toEqual(['render'])
    expect(defaultHidden([farm('rend01', 'rend02')])).toEqual(['host'])
    // AMS: five farms, two renders each in the publish farms.
    expect(defaultHidden([farm('rend01', 'rend02'), farm('rend01'), farm(), farm('a', 'b'), farm('x')])).toEqual([])
    expect(DEFAULT_HIDDEN).toEqual(defaultHidden([farm('0')]))
  })
})
