/**
 * HTTP dates as httpd reads them in conditional requests (`apr_date_parse_http`), not as
 * `Date.parse` does: the three formats of RFC 7231 §7.1.1.1 (and RFC 1123 with a one-digit
 * day), month names in their exact case, a weekday that is not checked, and whatever follows
 * the time taken as GMT ("UTC", "; length=123" and a missing zone's neighbours alike) — but
 * something must follow it. `Date.parse` takes "NOV" and a date without a zone, and refuses
 * "GMT; length=…": each would answer a conditional request differently from httpd.
 *
 * Hand-written: it is the APR routine's masks, which no date library reproduces.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * `apr_date_checkmask`: `@` an upper-case letter, `$` a lower-case one, `#` a digit, `~` a digit
 * or a space, `*` anything from here on; any other character stands for itself, and the data
 * must end where the mask does.
 */
function fits(data: string, mask: string): boolean {
  for (let i = 0; i < mask.length; i++) {
    const m = mask[i]
    const d = data[i] ?? ''
    if (m === '*') return true
    const ok =
      m === '@'
        ? /[A-Z]/.test(d)
        : m === '$'
          ? /[a-z]/.test(d)
          : m === '#'
            ? /[0-9]/.test(d)
            : m === '~'
              ? /[0-9 ]/.test(d)
              : m === d
    if (!ok || d === '') return false
  }
  return data.length === mask.length
}

const num = (s: string, at: number, len: number): number => Number(s.slice(at, at + len))

/** Milliseconds since the epoch, or null where httpd gets APR_DATE_BAD. */
export function parseHttpDate(value: string): number | null {
  const trimmed = value.replace(/^\s+/, '')
  const space = trimmed.indexOf(' ')
  if (trimmed === '' || space < 0) return null
  // After the weekday, whatever it says.
  const d = trimmed.slice(space + 1)
  let year: number
  let day: number
  let mon: string
  let time: string
  if (fits(d, '## @$$ #### ##:##:## *')) {
    year = num(d, 7, 4)
    day = num(d, 0, 2)
    mon = d.slice(3, 6)
    time = d.slice(12, 20)
  } else if (fits(d, '##-@$$-## ##:##:## *')) {
    year = num(d, 7, 2)
    year += year < 70 ? 2000 : 1900
    day = num(d, 0, 2)
    mon = d.slice(3, 6)
    time = d.slice(10, 18)
  } else if (fits(d, '@$$ ~# ##:##:## ####*')) {
    year = num(d, 16, 4)
    day = Number(d.slice(4, 6).trim())
    mon = d.slice(0, 3)
    time = d.slice(7, 15)
  } else if (fits(d, '# @$$ #### ##:##:## *')) {
    year = num(d, 6, 4)
    day = num(d, 0, 1)
    mon = d.slice(2, 5)
    time = d.slice(11, 19)
  } else return null
  if (year < 1900 || day <= 0 || day > 31) return null
  const [h, m, s] = [num(time, 0, 2), num(time, 3, 2), num(time, 6, 2)]
  if (h > 23 || m > 59 || s > 61) return null
  const month = MONTHS.indexOf(mon)
  if (month < 0) return null
  if (day === 31 && [3, 5, 8, 10].includes(month)) return null
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (month === 1 && (day > 29 || (day === 29 && !leap))) return null
  // APR_DATE_BAD is 0, and apr_time_exp_get refuses times before the epoch: both read as a bad
  // date (an If-Unmodified-Since of 1 Jan 1970 or earlier is ignored, not failed).
  const t = Date.UTC(year, month, day, h, m, s)
  return t <= 0 ? null : t
}
