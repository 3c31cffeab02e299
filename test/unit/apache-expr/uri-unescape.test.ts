/** `ap_unescape_url` on text and on byte strings: the decoded value and httpd's two verdicts. */
import { describe, expect, it } from 'vitest'
import { unescapeBytes, unescapeUrl } from '../../../src/main/engine/apache-expr/uri-escape'

describe('ap_unescape_url', () => {
  it('decodes text as UTF-8 and a byte string byte by byte', () => {
    expect(unescapeUrl('/caf%C3%A9').value).toBe('/café')
    expect(unescapeBytes('/caf%C3%A9').value).toBe('/caf\u00c3\u00a9')
    expect(unescapeBytes('a%20b').value).toBe('a b')
  })

  it('reports a bad escape (400) and %00 or %2F (404) apart, both when both occur', () => {
    expect(unescapeBytes('%zz')).toMatchObject({ badEscape: true, forbidden: false, value: '%zz' })
    expect(unescapeBytes('a%2Fb')).toMatchObject({ badEscape: false, forbidden: true })
    expect(unescapeBytes('%00')).toMatchObject({ forbidden: true })
    expect(unescapeBytes('%2F%zz')).toMatchObject({ badEscape: true, forbidden: true })
    expect(unescapeUrl('a%2Fb', { keepSlashes: true })).toMatchObject({ value: 'a%2Fb', forbidden: false })
  })
})
