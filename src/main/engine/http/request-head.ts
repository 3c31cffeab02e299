/**
 * httpd's own reading of a request head, for the heads the lean listener does not answer
 * itself (simple-request.ts) and hands to Node's parser (llhttp), whose rules differ from
 * httpd's. Under its default `HttpProtocolOptions Strict` (ap_parse_request_line and
 * ap_get_mime_headers_core in server/protocol.c), httpd:
 * - refuses with 400 (the trace says why) a request line whose parts are not separated by
 *   single spaces, a target with a control character, a protocol that is not exactly `HTTP/d.d`
 *   with a major version from 1 (`http/1.1`, `HTTP/0.9`, `HTTP/01.1`), and any line ended by a
 *   bare LF, where llhttp accepts some of these (double spaces) or waits for a CRLF that never
 *   comes;
 * - reads what llhttp refuses: `HTTP/1.2` … `HTTP/9.9` (as HTTP/1.1), raw bytes ≥ 0x80 in the
 *   target (obs-text), a scheme with a path and no authority (`http:/x`), a query with no path
 *   before it (`?a=b`, read as `/?a=b`), folded header lines
 *   (obs-fold, joined to the line before by one space), and a `Transfer-Encoding` with a `Content-Length`
 *   (the length is dropped).
 * What httpd reads and llhttp refuses is rewritten into the head llhttp reads the same way.
 * Checked against apache2 2.4.68 (test/httpd/request-line.test.ts). Hand-written: no HTTP
 * parser on npm implements httpd's strict rules, and llhttp is what we are correcting.
 */
import { METHODS } from 'node:http'
import { INT64_MAX } from '../c-numbers'
import { CONTROL_OR_SPACE } from '../apache-expr/uri-escape'
import { FIELD_VALUE_CONTROL, HTTP_TOKEN } from './token'

export type HeadVerdict =
  /** Node's parser reads this head as httpd does. */
  | { kind: 'node' }
  /**
   * httpd reads it; Node's parser reads `head` (same length or not) the same way, but for the
   * request line's `target` and `protocol`, which the engine takes as sent (`sent`: as Node
   * gets them) — see `OriginalRequestLine`.
   */
  | { kind: 'rewritten'; head: string; line: OriginalRequestLine }
  /**
   * httpd answers 400 (from the first-listed virtual host, before any header is read) and closes
   * the connection. `method`, `target` and `protocol` are the request line's words as far as
   * they go ('' where missing), for the trace and for a HEAD's answer without a body.
   */
  | {
      kind: 'refused'
      reason: string
      method: string
      target: string
      protocol: string
      /**
       * Refused for a header field (ap_get_mime_headers_core): the fields read before it,
       * `name: value` lines, which the answer's expressions see (%{HTTP_HOST} and the like).
       */
      fields?: string[]
      /**
       * The request line itself ended in a bare LF: ap_rgetline failed on it, so httpd never
       * parsed its target (no r->hostname from an absolute-form one).
       */
      lineUnread?: true
    }
  /**
   * An HTTP/0.9 request (`GET /x` and no protocol): its line is the whole request, whatever
   * follows, and the answer is the body alone. llhttp reads headers after it and answers with a head.
   */
  | { kind: 'http09'; target: string }

/** A request line as the client sent it, where Node's parser got another (`sent`). */
export interface OriginalRequestLine {
  /** Set when Node's parser got another method (it refuses those it does not know: `get`, `FOO`). */
  method?: string
  /**
   * The head framed its body twice (Content-Length and Transfer-Encoding): httpd reads it chunked
   * but closes the connection after the answer (AP_CONN_CLOSE, against request smuggling).
   */
  close?: true
  target: string
  protocol: string
  sent: { target: string; protocol: string }
}

/** The blank line that ends a head. */
export const HEAD_END = Buffer.from('\r\n\r\n')

/** Method SP target [SP protocol], as ap_parse_request_line accepts them in strict mode. */
export const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e\x80-\xff]+)(?: (HTTP\/[1-9]\.[0-9]))?$/
/**
 * Protocols llhttp reads as httpd does. It refuses the other `HTTP/d.d`, and takes `HTTP/2.0`
 * as HTTP/1.0 (no keep-alive, no chunking) where httpd reads it as 1.1.
 */
const NODE_PROTOCOLS = new Set(['HTTP/1.0', 'HTTP/1.1'])
/**
 * The methods llhttp reads; it refuses any other token with 400, where httpd reads the request
 * (and answers 501 for a method no module takes). Such a head reaches Node as a POST (no special
 * meaning in Node's server, unlike HEAD or CONNECT) and the engine gets the method sent.
 */
export const NODE_METHODS: ReadonlySet<string> = new Set(METHODS)
/** What Node's parser is given in place of a method it does not know. */
const STAND_IN_METHOD = 'POST'
const RAW_BYTE = /[\x80-\xff]/
const RAW_BYTES = /[\x80-\xff]/g
/** A scheme with a path and no authority (`http:/x`): httpd reads it, llhttp refuses it. */
const NO_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/(?!\/)/

/** Whether `text` has a line feed without a carriage return before it. */
export function hasBareLf(text: string): boolean {
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i === 0 || text.charCodeAt(i - 1) !== 13) return true
  }
  return false
}

/**
 * What can be said of a head before its blank line has come: httpd reads the request line
 * first and answers as soon as it is wrong (400), or is all there is (HTTP/0.9); a bare LF
 * anywhere is refused at once too. Null: wait for the rest.
 */
export function earlyVerdict(data: string): HeadVerdict | null {
  if (hasBareLf(data)) return judgeHead(data)
  let start = 0
  while (data.startsWith('\r\n', start)) start += 2
  const end = data.indexOf('\r\n', start)
  if (end < 0) return null
  const line = data.slice(start, end)
  const m = REQUEST_LINE.exec(line)
  return m === null || m[3] === undefined ? judgeHead(line) : null
}

const BARE_LF = 'a line of the request head ends in a bare LF, not CRLF'

/** apr_isspace (C's isspace): how httpd splits a request line it refuses into its words. */
const C_SPACES = /[ \t\n\v\f\r]+/

function refused(requestLine: string, reason: string): Extract<HeadVerdict, { kind: 'refused' }> {
  // Not String.trim: it takes U+00A0 too, which is a byte of obs-text (0xA0) to httpd.
  const words = requestLine.split(C_SPACES).filter((w) => w !== '')
  const [method = '', target = '', protocol = ''] = words
  return { kind: 'refused', reason, method, target, protocol }
}

/** Control characters, which a refused request line may hold and the trace shows escaped. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\x00-\x1f\x7f]/g

/** Why the request line is not `method SP target [SP HTTP/d.d]`, in the terms of httpd's log. */
function requestLineProblem(line: string): string {
  const quoted = `the request line '${line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`
  if (/^\s/.test(line)) return `${quoted} starts with whitespace`
  if (/\s$/.test(line)) return `${quoted} ends with whitespace`
  if (/[^ \S]/.test(line)) return `${quoted} separates its parts with whitespace other than a single space`
  if (/ {2}/.test(line)) return `${quoted} separates its parts with more than one space`
  const [method, target, protocol, ...more] = line.split(' ')
  if (!HTTP_TOKEN.test(method)) return `${quoted} has a method that is not a token`
  if (target === undefined) return `${quoted} has no target`
  if (CONTROL_OR_SPACE.test(target)) return `${quoted} has a control character in its target`
  if (more.length > 0) return `${quoted} has text after the protocol`
  return `${quoted} names the protocol '${protocol}', where httpd wants exactly HTTP/d.d with a major version from 1`
}

/** `head`: the bytes before the blank line, as latin1 (each byte one character). */
export function judgeHead(head: string): HeadVerdict {
  // httpd skips empty lines before the request line, as llhttp does.
  let start = 0
  while (head.startsWith('\r\n', start)) start += 2
  const lines = head.slice(start).split('\r\n')
  const requestLine = lines[0]
  if (hasBareLf(head)) {
    const lf = requestLine.indexOf('\n')
    const verdict = refused(lf < 0 ? requestLine : requestLine.slice(0, lf), BARE_LF)
    return lf < 0 ? verdict : { ...verdict, lineUnread: true }
  }
  const m = REQUEST_LINE.exec(requestLine)
  if (!m) return refused(requestLine, requestLineProblem(requestLine))
  const [, method, target, protocol] = m
  // HTTP/0.9 (no protocol): httpd takes GET only.
  if (protocol === undefined) {
    if (method === 'GET') return { kind: 'http09', target }
    return refused(requestLine, `an HTTP/0.9 request (no protocol) with the method ${method}: httpd takes GET only`)
  }
  const notPath = targetProblem(method, target)
  if (notPath !== null) return refused(requestLine, notPath)

  let changed = false
  let line = requestLine
  const original: OriginalRequestLine = { target, protocol, sent: { target, protocol } }
  if (!NODE_METHODS.has(method)) {
    original.method = method
    line = `${STAND_IN_METHOD} ${target} ${protocol}`
    changed = true
  }
  const queryOnly = target.charCodeAt(0) === 0x3f
  if (!NODE_PROTOCOLS.has(protocol) || RAW_BYTE.test(target) || NO_AUTHORITY.test(target) || queryOnly) {
    const path = NO_AUTHORITY.test(target) ? target.slice(target.indexOf(':') + 1) : queryOnly ? `/${target}` : target
    original.sent = {
      target: path.replace(RAW_BYTES, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
      protocol: NODE_PROTOCOLS.has(protocol) ? protocol : 'HTTP/1.1'
    }
    line = `${original.method === undefined ? method : STAND_IN_METHOD} ${original.sent.target} ${original.sent.protocol}`
    changed = true
  }
  const fields: string[] = []
  let transferEncoding = false
  for (let i = 1; i < lines.length; i++) {
    const field = lines[i]
    // ap_rgetline fails on a line with a NUL byte, and httpd stops reading there: the field
    // before it, held until the next line showed it was not folded, is never judged or kept.
    if (field.includes('\0')) {
      const read = fields.slice(0, -1)
      const problem = `the header line ${JSON.stringify(field.slice(0, 60))} has a NUL byte`
      return fieldRefusal(requestLine, read) ?? { ...refused(requestLine, problem), fields: read }
    }
    const first = field.charCodeAt(0)
    if ((first === 32 || first === 9) && fields.length > 0) {
      // ap_get_mime_headers_core: a line's trailing blanks go, and a continuation's leading ones
      // become one SP ("Replace obs-fold w/ SP per RFC 7230 3.2.4"): `a \r\n\t b` is `a b`.
      fields[fields.length - 1] = `${withoutBlanks(fields[fields.length - 1], 'end')} ${withoutBlanks(field, 'start')}`
      changed = true
      continue
    }
    if (/^transfer-encoding[ \t]*:/i.test(field)) transferEncoding = true
    fields.push(field)
  }
  const fieldRefused = fieldRefusal(requestLine, fields)
  if (fieldRefused !== null) return fieldRefused
  const framing = framingProblem(fields, transferEncoding)
  // Refused once every field was read: the answer's expressions see them all (%{HTTP_HOST}).
  if (framing !== null) return { ...refused(requestLine, framing), fields }
  let kept = fields
  if (transferEncoding) {
    kept = fields.filter((f) => !/^content-length[ \t]*:/i.test(f))
    if (kept.length !== fields.length) original.close = true
    // Node's parser refuses `chunked` anywhere but last (`chunked, chunked`, two chunked lines):
    // those are handed on as one plain `chunked`, the body is read chunked either way. Others
    // (`gzip, chunked`) keep their value, which mod_proxy looks at.
    const te = kept.filter((f) => /^transfer-encoding[ \t]*:/i.test(f))
    const codings = te.flatMap((f) => f.slice(f.indexOf(':') + 1).split(',')).map((c) => c.trim().toLowerCase())
    if (codings.indexOf('chunked') !== codings.length - 1) {
      let placed = false
      kept = kept.flatMap((f) => {
        if (!/^transfer-encoding[ \t]*:/i.test(f)) return [f]
        if (placed) return []
        placed = true
        return ['Transfer-Encoding: chunked']
      })
    }
    if (kept.length !== fields.length || kept.some((f, i) => f !== fields[i])) changed = true
  }
  if (!changed) return { kind: 'node' }
  return { kind: 'rewritten', head: [head.slice(0, start) + line, ...kept].join('\r\n'), line: original }
}

/**
 * The refusal of the first of `fields` httpd will not read, with the fields before it; null
 * when it reads them all. httpd judges each field as it reads it, the framing only once all are read.
 */
function fieldRefusal(requestLine: string, fields: string[]): HeadVerdict | null {
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(fields[i])
    if (problem !== null) return { ...refused(requestLine, problem), fields: fields.slice(0, i) }
  }
  return null
}

/**
 * Why httpd's strict reading (ap_get_mime_headers_core) refuses a header field with 400, or
 * null: a line without a colon, a name that is not a token (a space in it, or before the
 * colon), a value with a control character other than a tab. Bytes ≥ 0x80 (obs-text) are read.
 */
function fieldProblem(field: string): string | null {
  const colon = field.indexOf(':')
  const fault =
    colon < 0
      ? 'has no colon'
      : !HTTP_TOKEN.test(field.slice(0, colon))
        ? 'has a name that is not a token'
        : FIELD_VALUE_CONTROL.test(field.slice(colon + 1))
          ? 'has a control character in its value'
          : null
  // Quoted only when refused: judgeHead asks this of every field of every head it reads.
  return fault === null ? null : `the header line ${JSON.stringify(field.slice(0, 60))} ${fault}`
}

/**
 * What ap_read_request refuses in the body's framing, with 400, after reading the fields and
 * before the Host header chooses a vhost (so the first-listed vhost's ErrorDocument and
 * `Header always` answer): a Transfer-Encoding whose last coding is not chunked, or, without
 * one, a Content-Length that is not a plain number (`ap_parse_strict_length`; repeated fields
 * are joined with ", ", which is none).
 */
function framingProblem(fields: string[], transferEncoding: boolean): string | null {
  const values = (name: RegExp): string[] =>
    fields.filter((f) => name.test(f)).map((f) => f.slice(f.indexOf(':') + 1).trim())
  if (transferEncoding) {
    const te = values(/^transfer-encoding[ \t]*:/i).join(', ')
    // ap_is_chunked: only the last coding counts (`gzip, chunked` and `chunked, chunked` are read chunked).
    const codings = te.split(',').map((c) => c.trim().toLowerCase())
    if (codings[codings.length - 1] === 'chunked') return null
    return `the Transfer-Encoding '${te}' does not end in chunked`
  }
  const lengths = values(/^content-length[ \t]*:/i)
  if (lengths.length === 0) return null
  const cl = lengths.join(', ')
  return /^\d+$/.test(cl) && BigInt(cl) <= INT64_MAX ? null : `an invalid Content-Length '${cl}'`
}

/** A scheme and its colon, as apr_uri_parse reads one. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * Why ap_parse_request_line refuses the target with 400: apr_uri_parse leaves it a path that
 * does not start with `/` (`foo`, `www.a.com:443`, `http:x`), which only OPTIONS `*` may have
 * ("Invalid request-target per RFC 7230 section 5.3"). llhttp refuses some of these itself, and
 * its canned 400 is not httpd's. Null for any other target (an authority's are judged later), and
 * for a CONNECT's.
 */
function targetProblem(method: string, target: string): string | null {
  const first = target.charCodeAt(0)
  // `/…`, and `?…` or `#…`, which leave no path (read as `/`).
  if (first === 0x2f || first === 0x3f || first === 0x23) return null
  if (target === '*' && method === 'OPTIONS') return null
  // A CONNECT's target is host:port (apr_uri_parse_hostinfo; judged where its host is taken).
  if (method === 'CONNECT') return null
  const scheme = SCHEME.exec(target)
  const rest = scheme ? target.slice(scheme[0].length) : target
  if (scheme && rest.startsWith('//')) return null
  const end = rest.search(/[?#]/)
  const path = end < 0 ? rest : rest.slice(0, end)
  if (path === '' || path.charCodeAt(0) === 0x2f) return null
  return `the request target '${target}' is a path that does not start with /`
}

/** `line` without the spaces and tabs at its start or end (a loop: a regex would backtrack over a long run of them). */
export function withoutBlanks(line: string, side: 'start' | 'end'): string {
  if (side === 'start') {
    let start = 0
    while (start < line.length && isBlank(line, start)) start++
    return line.slice(start)
  }
  let end = line.length
  while (end > 0 && isBlank(line, end - 1)) end--
  return line.slice(0, end)
}

function isBlank(line: string, at: number): boolean {
  const c = line.charCodeAt(at)
  return c === 32 || c === 9
}
