/**
 * apr_fnmatch_test (match/ap-match.ts), which ServerName's check (directive-arity.ts) and
 * IndexIgnore/AddIcon's wildcard test (index-config.ts) both ask.
 */
import { describe, expect, it } from 'vitest'
import { fnmatchTest } from '../../../src/main/engine/match/ap-match'

describe('fnmatchTest (apr_fnmatch_test)', () => {
  it('is a pattern with * or ?', () => {
    expect(['www.*.com', 'a?b', '*'].map(fnmatchTest)).toEqual([true, true, true])
  })

  it('is a pattern with a ] closing a [, as an IPv6 literal is', () => {
    expect(['[::1]', 'a[bc]d', '[x', 'a]b', 'a]b[c'].map(fnmatchTest)).toEqual([true, true, false, false, false])
  })

  it('takes the character after a backslash as plain, and a trailing backslash ends it', () => {
    expect(['a\\*b', 'a\\?', '\\[x]', 'x\\'].map(fnmatchTest)).toEqual([false, false, false, false])
    expect(fnmatchTest('\\[x[y]')).toBe(true)
  })

  it('is no pattern for a plain name', () => {
    expect(['www.example.com', 'localhost:80', ''].map(fnmatchTest)).toEqual([false, false, false])
  })
})
