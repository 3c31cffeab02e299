/**
 * The answers Apache httpd 2.4 generates itself (filter denials are Apache's 404, §4.3;
 * rewrite [F]/[G]/[R]; refused request targets). Same status lines and bodies as
 * httpd's default error documents, so what the browser shows matches the real thing.
 */
import { currentDateLine } from '../http/lean-reply'

const TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'Your browser sent a request that this server could not understand.<br />\n'],
  401: [
    'Unauthorized',
    "This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required."
  ],
  403: ['Forbidden', "You don't have permission to access this resource."],
  404: ['Not Found', 'The requested URL was not found on this server.'],
  405: ['Method Not Allowed', 'The requested method is not allowed for this URL.'],
  408: ['Request Timeout', 'Server timeout waiting for the HTTP request from the client.'],
  410: [
    'Gone',
    'The requested resource is no longer available on this server and there is no forwarding address.\nPlease remove all references to this resource.'
  ],
  413: ['Request Entity Too Large', ''],
  // Its text quotes the Expect header (errorPage).
  417: ['Expectation Failed', ''],
  416: [
    'Requested Range Not Satisfiable',
    'None of the range-specifier values in the Range\nrequest-header field overlap the current extent\nof the selected resource.'
  ],
  414: ['Request-URI Too Long', "The requested URL's length exceeds the capacity\nlimit for this server.<br />\n"],
  500: [
    'Internal Server Error',
    // With no ServerAdmin configured, httpd names "[no address given]".
    'The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n' +
      '<p>Please contact the server administrator at \n [no address given] to inform them of the time this error occurred,\n' +
      ' and the actions you performed just before this error.</p>\n' +
      '<p>More information about this error may be available\nin the server error log.'
  ],
  // The one canned text httpd writes with CRLF line ends.
  502: ['Bad Gateway', 'The proxy server received an invalid\r\nresponse from an upstream server.<br />\r\n'],
  503: [
    'Service Unavailable',
    'The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.'
  ],
  501: ['Not Implemented', 'The server does not support the action requested by the browser.'],
  504: ['Gateway Timeout', 'The gateway did not receive a timely response\nfrom the upstream server or application.']
}

const REDIRECT: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect'
}

export function statusText(status: number): string {
  return TEXT[status]?.[0] ?? REDIRECT[status] ?? 'Error'
}

/** `ap_escape_html`: `&`, `<`, `>` and `"`. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** What an error page names besides its status. */
export interface ErrorPageDetails {
  /** Named in a 405's and a 501's text, as httpd does ("The requested method PUT is not allowed…"). */
  method?: string
  /** The request's `error-notes`, which httpd adds to a 400's and a 417's text. */
  notes?: string
  /** The request's Expect header, which a 417's text quotes. */
  expect?: string
}

export function errorPage(status: number, details: ErrorPageDetails = {}): string {
  const { method, notes } = details
  const [title, plain] = TEXT[status] ?? [statusText(status), 'The server could not answer this request.']
  const text =
    status === 405 && method
      ? `The requested method ${escapeHtml(method)} is not allowed for this URL.`
      : status === 501 && method
        ? `${escapeHtml(method)} not supported for current URL.<br />\n`
        : status === 400 && notes !== undefined
          ? plain + notes
          : plain
  // httpd's 413 text is the one canned message without a paragraph around it.
  const paragraph =
    status === 417
      ? `<p>The expectation given in the Expect request-header\nfield could not be met by this server.\nThe client sent<pre>\n    Expect: ${escapeHtml(details.expect ?? '')}\n</pre>\n</p>` +
        (notes !== undefined ? `<p>${notes}</p>\n` : '\n')
      : status === 413
        ? `The requested resource does not allow request data with ${escapeHtml(method ?? 'GET')} requests, or the amount of data provided in\nthe request exceeds the capacity limit.\n`
        : `<p>${text}</p>\n`
  return page(status, title, paragraph)
}

/** httpd's canned page around its body (`paragraph`: the lines between the heading and the end). */
function page(status: number, title: string, paragraph: string): string {
  return (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n' +
    `<title>${status} ${title}</title>\n</head><body>\n<h1>${title}</h1>\n${paragraph}</body></html>\n`
  )
}

/**
 * The whole answer Apache sends before it closes a connection whose request it could not read
 * (an unparsable or oversized head: 400; a head that did not arrive in time: 408).
 */
export function closingErrorResponse(status: number, serverBanner: string, headOnly = false): string {
  const start = `HTTP/1.1 ${status} ${statusText(status)}\r\n${currentDateLine()}Server: ${serverBanner}\r\n`
  // A HEAD's answer: no body, nor the length it would have had (ap_http_header_filter).
  if (headOnly) return `${start}Connection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n`
  const body = errorPage(status)
  return (
    `${start}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n` +
    `Content-Type: text/html; charset=iso-8859-1\r\n\r\n${body}`
  )
}

/**
 * `ap_proxyerror`'s page: the status's usual text, then mod_proxy's reason (its error-notes),
 * under the "Proxy Error" status line. A 500 shows the notes alone: ap_proxyerror marks them
 * safe to show (verbose-error-to "*"), which replaces the canned 500 text.
 */
export function proxyErrorPage(status: number, reason: string): string {
  const notes = `The proxy server could not handle the request<p>Reason: <strong>${escapeHtml(reason)}</strong></p>`
  if (status === 500) return page(status, 'Proxy Error', `${notes}<p />\n`)
  const plain = TEXT[status]?.[1] ?? ''
  return page(status, 'Proxy Error', `<p>${plain}${notes}</p>\n`)
}

export function redirectPage(status: number, location: string): string {
  const where = `<a href="${escapeHtml(location)}">here</a>`
  const text = status === 303 ? `The answer to your request is located ${where}.` : `The document has moved ${where}.`
  return page(status, REDIRECT[status] ?? 'Redirect', `<p>${text}</p>\n`)
}
