import { describe, expect, it } from 'vitest'
import { flattenTree } from '../../../src/renderer/src/store/cache-tree'
import { activeKey, treeKey } from '../../../src/renderer/src/store/tree-keys'
import { cacheListing as listing } from './fixtures'

/**
 * content/            d:/content       (open)
 *   .stat             s:/content/.stat
 *   site/             d:/content/site  (open)
 *     a.html          f:/content/site/a.html
 *     showing 1 of 3  (not a stop)
 *   b.html            f:/content/b.html
 * etc/                d:/etc           (closed)
 */
const listings = {
  '/': listing('/', ['content', 'etc'], []),
  '/content': listing('/content', ['site'], ['b.html'], {
    statfile: { relPath: '/content/.stat', level: 1, mtime: 5 }
  }),
  '/content/site': listing('/content/site', [], ['a.html'], { totalFiles: 3 })
}
const rows = flattenTree(listings, ['/', '/content', '/content/site'], [])

describe('the cache tree by keyboard', () => {
  it('the arrows step over the rows that are notes, not entries; Home and End reach the ends', () => {
    expect(treeKey(rows, 'f:/content/site/a.html', 'ArrowDown')).toEqual({ focus: 'f:/content/b.html' })
    expect(treeKey(rows, 'f:/content/b.html', 'ArrowUp')).toEqual({ focus: 'f:/content/site/a.html' })
    expect(treeKey(rows, 'd:/content', 'ArrowUp')).toBeNull()
    expect(treeKey(rows, 'd:/etc', 'ArrowDown')).toBeNull()
    expect(treeKey(rows, 'f:/content/b.html', 'Home')).toEqual({ focus: 'd:/content' })
    expect(treeKey(rows, 'd:/content', 'End')).toEqual({ focus: 'd:/etc' })
  })

  it('Enter, Space and ArrowRight open a closed folder; Enter, Space and ArrowLeft close an open one', () => {
    for (const key of ['Enter', ' ', 'ArrowRight']) expect(treeKey(rows, 'd:/etc', key)).toEqual({ toggle: '/etc' })
    for (const key of ['Enter', ' ', 'ArrowLeft'])
      expect(treeKey(rows, 'd:/content/site', key)).toEqual({ toggle: '/content/site' })
  })

  it("ArrowRight on an open folder goes to its first row; ArrowLeft on a file or a closed folder goes to its folder's row", () => {
    expect(treeKey(rows, 'd:/content', 'ArrowRight')).toEqual({ focus: 's:/content/.stat' })
    expect(treeKey(rows, 'f:/content/site/a.html', 'ArrowLeft')).toEqual({ focus: 'd:/content/site' })
    expect(treeKey(rows, 'f:/content/b.html', 'ArrowLeft')).toEqual({ focus: 'd:/content' })
    expect(treeKey(rows, 'd:/etc', 'ArrowLeft')).toBeNull()
  })

  it('a file is not toggled, and other keys do nothing', () => {
    expect(treeKey(rows, 'f:/content/b.html', 'Enter')).toBeNull()
    expect(treeKey(rows, 'f:/content/b.html', 'ArrowRight')).toBeNull()
    expect(treeKey(rows, 'd:/content', 'a')).toBeNull()
    expect(treeKey(rows, 'f:/gone.html', 'ArrowDown')).toBeNull()
  })

  it('Tab reaches the row focused last while it is shown, else the first row', () => {
    expect(activeKey(rows, 'f:/content/b.html')).toBe('f:/content/b.html')
    expect(activeKey(rows, 'f:/content/deleted.html')).toBe('d:/content')
    expect(activeKey(rows, null)).toBe('d:/content')
    expect(activeKey(rows, 'm:/content/site')).toBe('d:/content')
    expect(activeKey([], null)).toBeNull()
  })
})
