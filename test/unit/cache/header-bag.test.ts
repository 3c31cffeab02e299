/**
 * `setHeader` is `apr_table_setn`: httpd writes the lines in table order, so replacing a value
 * must not move its line (mod_deflate's ETag, a stored header under the handler's).
 */
import { describe, expect, it } from 'vitest'
import { setHeader } from '../../../src/main/engine/cache/header-bag'

describe('setHeader', () => {
  it('replaces a header where it stands, in the spelling it has, and puts a new one last', () => {
    const h: Record<string, string> = { 'Last-Modified': 'a', etag: '"1"', 'Content-Length': '3' }
    setHeader(h, 'ETag', '"1-gzip"')
    setHeader(h, 'Vary', 'Accept-Encoding')
    expect(Object.entries(h)).toEqual([
      ['Last-Modified', 'a'],
      ['etag', '"1-gzip"'],
      ['Content-Length', '3'],
      ['Vary', 'Accept-Encoding']
    ])
  })
})
