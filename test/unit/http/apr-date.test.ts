/** HTTP dates as httpd reads them in conditional requests (`apr_date_parse_http`), not as `Date.parse` does. */
import { describe, expect, it } from 'vitest'
import { parseHttpDate } from '../../../src/main/engine/http/apr-date'

const NOV_23 = Date.UTC(2026, 10, 23, 18, 19, 1)

describe('parseHttpDate', () => {
  it('reads RFC 1123 (two- or one-digit day), RFC 850 and asctime dates', () => {
    expect(parseHttpDate('Mon, 23 Nov 2026 18:19:01 GMT')).toBe(NOV_23)
    expect(parseHttpDate('Sunday, 23-Nov-26 18:19:01 GMT')).toBe(NOV_23)
    expect(parseHttpDate('Mon Nov 23 18:19:01 2026')).toBe(NOV_23)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37))
    expect(parseHttpDate('Sun, 6 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37))
    expect(parseHttpDate('Friday, 01-Jan-99 00:00:00 GMT')).toBe(Date.UTC(1999, 0, 1))
  })

  it('does not check the weekday or read the zone, but needs something after the time', () => {
    expect(parseHttpDate('Xyz, 23 Nov 2026 18:19:01 GMT')).toBe(NOV_23)
    expect(parseHttpDate('Mon, 23 Nov 2026 18:19:01 UTC')).toBe(NOV_23)
    expect(parseHttpDate('Mon, 23 Nov 2026 18:19:01 GMT; length=4523')).toBe(NOV_23)
    expect(parseHttpDate('Mon, 23 Nov 2026 18:19:01')).toBeNull()
  })

  it('refuses what Date.parse would take: other cases of month names, impossible days, no weekday', () => {
    expect(Date.parse('MON, 23 NOV 2026 18:19:01 GMT')).toBe(NOV_23)
    expect(parseHttpDate('MON, 23 NOV 2026 18:19:01 GMT')).toBeNull()
    expect(parseHttpDate('Mon, 31 Nov 2026 18:19:01 GMT')).toBeNull()
    expect(parseHttpDate('Mon, 29 Feb 2026 18:19:01 GMT')).toBeNull()
    expect(parseHttpDate('Mon, 29 Feb 2028 18:19:01 GMT')).toBe(Date.UTC(2028, 1, 29, 18, 19, 1))
    expect(parseHttpDate('Mon, 23 Nov 2026 24:00:00 GMT')).toBeNull()
    // The epoch is APR_DATE_BAD's own value: httpd cannot tell it from a bad date.
    expect(parseHttpDate('Thu, 01 Jan 1970 00:00:00 GMT')).toBeNull()
    expect(parseHttpDate('Wed, 31 Dec 1969 23:59:59 GMT')).toBeNull()
    expect(parseHttpDate('Thu, 01 Jan 1970 00:00:01 GMT')).toBe(1000)
    expect(parseHttpDate('garbage')).toBeNull()
    expect(parseHttpDate('')).toBeNull()
  })
})
