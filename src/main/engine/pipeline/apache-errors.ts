/**
 * The answers Apache httpd 2.4 generates itself (filter denials are Apache's 404, §4.3;
 * rewrite [F]/[G]/[R]; refused request targets). Same status lines and bodies as
 * httpd's default error documents, so what the browser shows matches the real thing.
 */
import { currentDateLine } from '../http/lean-reply'
import { reasonPhrase } from '../http/reason-phrase'
import { NO_ADMIN } from '../apache-expr/request'

/**
 * get_canned_error_string's `default:`, which is also the 500's: statuses without a text of their
 * own (402, 409, 505…) get it too. It names the server's ServerAdmin (`admin`, HTML-escaped).
 */
function internalError(admin: string): string {
  return (
    'The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n' +
    `<p>Please contact the server administrator at \n ${escapeHtml(admin)} to inform them of the time this error occurred,\n` +
    ' and the actions you performed just before this error.</p>\n' +
    '<p>More information about this error may be available\nin the server error log.'
  )
}

/** The 401's text, which the 407's repeats. */
const NOT_AUTHORIZED =
  "This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required."

/** Title and text of httpd's canned page for each status that has its own (checked with apache2 2.4.68). */
const TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'Your browser sent a request that this server could not understand.<br />\n'],
  401: ['Unauthorized', NOT_AUTHORIZED],
  403: ['Forbidden', "You don't have permission to access this resource."],
  404: ['Not Found', 'The requested URL was not found on this server.'],
  405: ['Method Not Allowed', 'The requested method is not allowed for this URL.'],
  406: ['Not Acceptable', 'An appropriate representation of the requested resource could not be found on this server.'],
  407: ['Proxy Authentication Required', NOT_AUTHORIZED],
  408: ['Request Timeout', 'Server timeout waiting for the HTTP request from the client.'],
  410: [
    'Gone',
    'The requested resource is no longer available on this server and there is no forwarding address.\nPlease remove all references to this resource.'
  ],
  // Its text names the method (errorPage).
  411: ['Length Required', ''],
  412: ['Precondition Failed', 'The precondition on the request for this URL evaluated to false.'],
  413: ['Request Entity Too Large', ''],
  414: ['Request-URI Too Long', "The requested URL's length exceeds the capacity\nlimit for this server.<br />\n"],
  415: [
    'Unsupported Media Type',
    'The supplied request data is not in a format\nacceptable for processing by this resource.'
  ],
  416: [
    'Requested Range Not Satisfiable',
    'None of the range-specifier values in the Range\nrequest-header field overlap the current extent\nof the selected resource.'
  ],
  // Its text quotes the Expect header (errorPage).
  417: ['Expectation Failed', ''],
  421: [
    'Misdirected Request',
    'The client needs a new connection for this\nrequest as the requested host name does not match\nthe Server Name Indication (SNI) in use for this\nconnection.'
  ],
  422: [
    'Unprocessable Entity',
    'The server understands the media type of the\nrequest entity, but was unable to process the\ncontained instructions.'
  ],
  423: [
    'Locked',
    'The requested resource is currently locked.\nThe lock must be released or proper identification\ngiven before the method can be applied.'
  ],
  424: [
    'Failed Dependency',
    'The method could not be performed on the resource\nbecause the requested action depended on another\naction and that other action failed.'
  ],
  // Its text has no closing </p> (errorPage).
  426: ['Upgrade Required', ''],
  428: ['Precondition Required', 'The request is required to be conditional.'],
  429: ['Too Many Requests', 'The user has sent too many requests\nin a given amount of time.'],
  431: [
    'Request Header Fields Too Large',
    'The server refused this request because\nthe request header fields are too large.'
  ],
  451: ['Unavailable For Legal Reasons', 'Access to this URL has been denied for legal reasons.<br />\n'],
  501: ['Not Implemented', 'The server does not support the action requested by the browser.'],
  // The one canned text httpd writes with CRLF line ends.
  502: ['Bad Gateway', 'The proxy server received an invalid\r\nresponse from an upstream server.<br />\r\n'],
  503: [
    'Service Unavailable',
    'The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.'
  ],
  504: ['Gateway Timeout', 'The gateway did not receive a timely response\nfrom the upstream server or application.'],
  506: [
    'Variant Also Negotiates',
    'A variant for the requested resource\n<pre>\n\n</pre>\nis itself a negotiable resource. This indicates a configuration error.'
  ],
  507: [
    'Insufficient Storage',
    'The method could not be performed on the resource\nbecause the server is unable to store the\nrepresentation needed to successfully complete the\nrequest.  There is insufficient free space left in\nyour storage allocation.'
  ],
  508: ['Loop Detected', 'The server terminated an operation because\nit encountered an infinite loop.'],
  510: [
    'Not Extended',
    'A mandatory extension policy in the request is not\naccepted by the server for this resource.'
  ],
  511: ['Network Authentication Required', 'The client needs to authenticate to gain\nnetwork access.']
}

const REDIRECT: Record<number, string> = {
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect'
}

export function statusText(status: number): string {
  return TEXT[status]?.[0] ?? REDIRECT[status] ?? reasonPhrase(status)
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
  /** `r->server->server_admin`, which the 500's text names. */
  admin?: string
  /** `r->status_line`'s reason when a backend's answer set it (ProxyErrorOverride): the title and heading. */
  reason?: string
}

export function errorPage(status: number, details: ErrorPageDetails = {}): string {
  const { method, notes } = details
  const [canned, plain] = TEXT[status] ?? [statusText(status), internalError(details.admin ?? NO_ADMIN)]
  const title = details.reason ?? canned
  const text =
    status === 405 && method
      ? `The requested method ${escapeHtml(method)} is not allowed for this URL.`
      : status === 501 && method
        ? `${escapeHtml(method)} not supported for current URL.<br />\n`
        : status === 411
          ? `A request of the requested method ${escapeHtml(method ?? 'GET')} requires a valid Content-length.<br />\n`
          : status === 400 && notes !== undefined
            ? plain + notes
            : plain
  // httpd's 413 text is the one canned message without a paragraph around it.
  const paragraph =
    status === 417 && details.expect === undefined
      ? '<p>No expectation was seen, the Expect request-header \nfield was not presented by the client.\n</p><p>Only the 100-continue expectation is supported.</p>\n'
      : status === 426
        ? "<p>The requested resource can only be retrieved\nusing SSL.  The server is willing to upgrade the current\nconnection to SSL, but your client doesn't support it.\nEither upgrade your client, or try requesting the page\nusing https://\n"
        : status === 417
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
export function closingErrorResponse(
  status: number,
  serverBanner: string,
  headOnly = false,
  /** Refused while the body was read (a bad chunk): the page goes out unmeasured, ended by the close. */
  unmeasured = false
): string {
  const start = `HTTP/1.1 ${status} ${statusText(status)}\r\n${currentDateLine()}Server: ${serverBanner}\r\n`
  // A HEAD's answer: no body, nor the length it would have had (ap_http_header_filter).
  if (headOnly) return `${start}Connection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n`
  const body = errorPage(status)
  const length = unmeasured ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`
  return `${start}${length}Connection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n${body}`
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
  // get_canned_error_string's 503 and 504 texts take no error-notes: the reason is only logged.
  if (status === 503 || status === 504) return page(status, 'Proxy Error', `<p>${plain}</p>\n`)
  return page(status, 'Proxy Error', `<p>${plain}${notes}</p>\n`)
}

export function redirectPage(status: number, location: string): string {
  // 300 lists the variants (none here); 305's text names no URL (checked with apache2 2.4.68).
  if (status === 300) return page(status, REDIRECT[300], '')
  if (status === 305)
    return page(
      status,
      REDIRECT[305],
      '<p>This resource is only accessible through the proxy\n<br />\nYou will need to configure your client to use that proxy.</p>\n'
    )
  const where = `<a href="${escapeHtml(location)}">here</a>`
  const text = status === 303 ? `The answer to your request is located ${where}.` : `The document has moved ${where}.`
  return page(status, REDIRECT[status] ?? 'Redirect', `<p>${text}</p>\n`)
}
