/**
 * httpd's reading of a request's `Expect`, which the listener (server.ts) and mod_proxy
 * (apache-proxy.ts) both go by, as httpd 2.4.68 does:
 *
 * - ap_read_request (ap_check_request_header) sets `r->expecting_100` when the value is
 *   `100-continue` in any case, whatever the protocol (an HTTP/1.0 request too), and answers 417
 *   to any other value that is not empty;
 * - ap_http_filter (the first blocking read of a body with a length or chunks) and
 *   ap_send_interim_response (a backend's `100 Continue` mod_proxy_http relays) write the
 *   interim answer only to an HTTP/1.1 client, and clear `r->expecting_100` when they do;
 * - ap_set_keepalive closes the connection after an answer that went out while
 *   `r->expecting_100` was still set (PR 47087: what follows may be the body the client sent
 *   after all), so a GET with `Expect: 100-continue` answered without a 100 closes;
 * - mod_proxy_http's do_100_continue (Proxy100Continue, on by default) is `r->expecting_100`:
 *   the backend gets the `Expect`, and the body waits for its 100.
 */

/** `r->expecting_100`: the Expect value is `100-continue`, in any case. */
export function expecting100(expect: string | undefined): boolean {
  return expect !== undefined && expect.trim().toLowerCase() === '100-continue'
}

/** An expectation httpd cannot meet: a value that is neither empty nor `100-continue` (its 417). */
export function unmetExpectation(expect: string | undefined): boolean {
  return expect !== undefined && expect.trim() !== '' && !expecting100(expect)
}

/** Whether httpd writes an interim `100 Continue` to a client speaking `protocol` (HTTP/1.1 and later). */
export function sendsInterim(protocol: string): boolean {
  const m = /^HTTP\/(\d+)\.(\d+)$/.exec(protocol)
  return m !== null && (Number(m[1]) > 1 || (Number(m[1]) === 1 && Number(m[2]) >= 1))
}
