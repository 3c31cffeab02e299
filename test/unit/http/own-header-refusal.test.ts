/**
 * check_headers on the workbench's own head (http/header-filter.ts ownHeaderRefusal): what
 * httpd's header filter refuses before the head goes out (traced-reply.ts answers for it).
 */
import { describe, expect, it } from 'vitest'
import { ownHeaderRefusal } from '../../../src/main/engine/http/header-filter'

describe('ownHeaderRefusal', () => {
  it('passes tokens for names and values without control characters (a tab and obs-text allowed)', () => {
    expect(ownHeaderRefusal({ 'x-a': 'a\tb \u00e9', 'set-cookie': ['a=1', 'b=2'], 'content-length': 3 })).toBe(null)
  })

  it('refuses a value with a control character or DEL, one of several lines too, in words for the trace', () => {
    expect(ownHeaderRefusal({ 'x-req': 'GET /a\u0001b HTTP/1.1' })).toBe(
      "x-req header value 'GET /a\\x01b HTTP/1.1' holds a control character, which httpd's header filter refuses (AH02430)"
    )
    expect(ownHeaderRefusal({ 'x-a': ['ok', 'a\u007f'] })).toMatch(/AH02430/)
    expect(ownHeaderRefusal({ 'x-a': 'a\r\nb' })).toMatch(/AH02430/)
  })

  it('refuses a name that is no token; an unset value is not looked at', () => {
    expect(ownHeaderRefusal({ 'bad name': 'x' })).toMatch(/AH02429/)
    // A name refused once is refused again (only names that passed are remembered).
    expect(ownHeaderRefusal({ 'bad name': 'x' })).toMatch(/AH02429/)
    // An empty name is httpd's AH02428, not a name that is no token.
    expect(ownHeaderRefusal({ '': 'x' })).toBe(
      "a header line without a name, which httpd's header filter refuses (AH02428)"
    )
    expect(ownHeaderRefusal({ 'x-a': undefined })).toBe(null)
  })
})
