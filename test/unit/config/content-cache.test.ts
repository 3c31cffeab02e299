import { describe, expect, it } from 'vitest'
import { ContentCache } from '../../../src/main/engine/config/content-cache'

describe('values derived from file contents, kept across loads (ContentCache)', () => {
  it('a value is reused only while the file has exactly the same text', () => {
    const cache = new ContentCache<string, number>(1000)
    cache.set('/a.conf', 'Listen 80\n', 1)
    expect(cache.get('/a.conf', 'Listen 80\n')).toBe(1)
    expect(cache.get('/a.conf', 'Listen 81\n')).toBeUndefined()
    expect(cache.get('/b.conf', 'Listen 80\n')).toBeUndefined()
  })

  it('bytes are compared by content, not by buffer identity', () => {
    const cache = new ContentCache<Buffer, string>(1000)
    cache.set('/f.any', Buffer.from('/farms { }'), 'hash')
    expect(cache.get('/f.any', Buffer.from('/farms { }'))).toBe('hash')
    expect(cache.get('/f.any', Buffer.from('/farms {  }'))).toBeUndefined()
  })

  it('a new text replaces the old entry of the same file', () => {
    const cache = new ContentCache<string, string>(1000)
    cache.set('/a', 'one', 'first')
    cache.set('/a', 'two', 'second')
    expect(cache.get('/a', 'one')).toBeUndefined()
    expect(cache.get('/a', 'two')).toBe('second')
  })

  it('the oldest entries are dropped once the contents kept exceed the size bound', () => {
    const cache = new ContentCache<string, number>(20)
    for (let i = 1; i <= 5; i++) cache.set(`/${i}`, `${i}bcde`, i)
    expect(cache.get('/1', '1bcde')).toBeUndefined()
    for (let i = 2; i <= 5; i++) expect(cache.get(`/${i}`, `${i}bcde`)).toBe(i)
  })

  it('a file larger than a quarter of the bound is not kept at all', () => {
    const cache = new ContentCache<string, number>(10)
    cache.set('/small', 'ab', 1)
    cache.set('/big', 'abcdef', 2)
    expect(cache.get('/big', 'abcdef')).toBeUndefined()
    expect(cache.get('/small', 'ab')).toBe(1)
  })
})
