/**
 * A backend answer's first line as ap_proxy_http_process_response reads it (mod_proxy_http.c,
 * httpd 2.4.68), before ap_proxy_read_headers reads the header lines after it. Measured against
 * apache2 2.4.68 (proxy-answers.test.ts, proxy-timeouts.test.ts):
 *
 * - one empty line before it is skipped (a stray CRLF); a second one, a NUL in the line or an
 *   end of file before its LF is a failed read (AH01102): ap_proxyerror's 502 "Error reading
 *   from remote server";
 * - a line apr_date_checkmask takes for `HTTP/#.# ###*` is a status line, unless its major
 *   version is not 1 or it fills the line buffer: ap_proxyerror's 502 "Corrupt status line
 *   returned by remote server: …";
 * - anything else (`hello`, `<html>`, `HTTP/1.1 abc`, `HTTP/1.1 99 X`, `ICY 200 OK`) is an
 *   HTTP/0.9 answer: a 200 whose body is that line (its line end dropped, cut to the line
 *   buffer) and every byte after it, until the backend closes the connection (backend->close).
 */

/**
 * ap_proxy_read_headers reads each header line into an 8192-byte buffer: a line of 8192 bytes
 * or more (its CRLF not counted) cannot be read (found against apache2 2.4.68: 8191 passes).
 * The status line goes into a buffer of the same size (response_field_size), which keeps the
 * first 8191 bytes of a longer line and drops the rest up to its LF.
 */
export const LINE_BUFFER = 8192

/** What the first line of an answer is to httpd; `simple` holds the line as httpd keeps it. */
export type StatusLine = { status: number; reason: string } | { simple: string } | { error: string }

/** The reason ap_proxyerror gives when the status line cannot be read at all. */
export const READ_ERROR = 'Error reading from remote server'

/** apr_date_checkmask(buffer, "HTTP/#.# ###*"). */
const CHECKMASK = /^HTTP\/\d\.\d \d{3}/
/** The code and reason phrase of a status line (also how ap_proxy_read_headers knows a stray one, AH01100). */
export const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/s

/**
 * The first line of a head, read with `line` (each call the next line without its line end,
 * null when the bytes end before it); null when the bytes end before it is whole.
 */
export function readStatusLine(line: () => string | null): StatusLine | null {
  let read = line()
  // "handle one potential stray CRLF": the line after an empty one is read in its place.
  if (read === '') read = line()
  if (read === null) return null
  if (read === '' || read.includes('\0')) return { error: READ_ERROR }
  const kept = read.slice(0, LINE_BUFFER - 1)
  if (!CHECKMASK.test(kept)) return { simple: kept }
  if (kept[5] !== '1' || read.length >= LINE_BUFFER - 1)
    return { error: `Corrupt status line returned by remote server: ${kept}` }
  const parts = STATUS_LINE.exec(kept)
  return { status: Number(kept.slice(9, 12)), reason: parts?.[2] ?? '' }
}
