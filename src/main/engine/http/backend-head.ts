/**
 * A backend's answer head as httpd reads it, for the heads node's parser (llhttp, in node:http
 * and undici alike) refuses and httpd reads: a control character, DEL or a bare CR in a value,
 * a name that is no token. mod_proxy (apache-proxy.ts) and the Dispatcher's render path
 * (upstream/refused-head.ts) keep the bytes a backend sent until its head was read and hand
 * them with the parser's error (`backendHead`); `readHeadAsHttpd` reads them.
 */
import type { ClientRequest } from 'node:http'
import type { Socket } from 'node:net'
import { LINE_BUFFER, readStatusLine, STATUS_LINE } from './status-line'
import { isParserError } from './error-code'

/** A backend's final head as ap_proxy_read_headers reads it, or why httpd cannot read it (its 502). */
export type HttpdHead =
  { status: number; reason: string; fields: [name: string, value: string][] } | { unreadable: string }

/**
 * What mod_proxy_http makes of the bytes before an answer's body: a head (or why it cannot
 * read it), an HTTP/0.9 answer (`simple`: its body's first bytes, `lineLength` of them its
 * first line) or a status line it could not read (ap_proxyerror's reason, status-line.ts).
 */
export type HttpdAnswer = HttpdHead | { simple: Buffer; lineLength: number } | { statusLineError: string }

/**
 * An error's bytes: what the backend sent for this request until node's parser gave up, or
 * until another error came before the head was read (a timeout). `backendSocket`: the
 * connection of an HTTP/0.9 answer, handed on open for the rest of its body.
 */
export interface WithBackendHead {
  backendHead?: Buffer
  backendSocket?: Socket
}

/** How httpd's error log writes a byte of a header (ap_escape_logitem). */
const LOG_ESCAPES: Record<string, string> = { '\b': '\\b', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }

/** `text` as httpd's error log shows it: a control character, DEL or a byte over 0x7f as `\xHH`, `\r`… */
export function asLogged(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what it escapes
    /[\x00-\x1f\x7f-\xff"\\]/g,
    (c) =>
      LOG_ESCAPES[c] ?? (c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  )
}

/** apr_isspace around a value, which ap_proxy_read_headers skips before it and strips after it. */
export const AROUND_VALUE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g

/**
 * The final head in `bytes` as readAnswerAsHttpd reads it; an HTTP/0.9 answer or a status line
 * httpd cannot read is a head it cannot read.
 */
export function readHeadAsHttpd(bytes: Buffer): HttpdHead | null {
  const read = readAnswerAsHttpd(bytes)
  if (read === null || 'status' in read || 'unreadable' in read) return read
  return { unreadable: 'simple' in read ? 'its first line is no status line' : read.statusLineError }
}

/**
 * The final answer in `bytes` (interim heads skipped): its first line as readStatusLine reads it,
 * then its head as ap_proxy_read_headers reads it, with ap_rgetline(AP_GETLINE_FOLD): a line
 * ends at its LF (the CR before it dropped, a bare CR kept), a line starting with a blank is
 * appended to the one before; a NUL (ap_rgetline's EINVAL, AH10404), a line of LINE_BUFFER
 * bytes (AH10124) or one without a colon that is no stray status line (ProxyBadHeader IsError,
 * AH01106; AH01100 skips the status line) make the head unreadable. Null when the bytes end
 * before the head (or the first line of an HTTP/0.9 answer) does.
 */
export function readAnswerAsHttpd(bytes: Buffer): HttpdAnswer | null {
  const text = bytes.toString('latin1')
  let at = 0
  const line = (): string | null => {
    const lf = text.indexOf('\n', at)
    if (lf < 0) return null
    const read = text.slice(at, text[lf - 1] === '\r' && lf > at ? lf - 1 : lf)
    at = lf + 1
    return read
  }
  for (;;) {
    const first = readStatusLine(line)
    if (first === null) return null
    if ('error' in first) return { statusLineError: first.error }
    if ('simple' in first) {
      const body = Buffer.concat([Buffer.from(first.simple, 'latin1'), bytes.subarray(at)])
      return { simple: body, lineLength: first.simple.length }
    }
    const fields: [string, string][] = []
    for (let read = line(); read !== ''; read = line()) {
      while (read !== null && read !== '' && (text[at] === ' ' || text[at] === '\t')) {
        const more = line()
        read = more === null ? null : read + more
      }
      if (read === null) return null
      const colon = read.indexOf(':')
      const name = asLogged(colon > 0 ? read.slice(0, colon) : read.slice(0, 40))
      if (read.includes('\0'))
        return { unreadable: `its ${name} line holds a NUL, which ap_rgetline refuses (AH10404)` }
      if (read.length >= LINE_BUFFER)
        return { unreadable: `its ${name} line is ${LINE_BUFFER} bytes or longer, more than httpd reads (AH10124)` }
      if (colon < 0) {
        if (STATUS_LINE.test(read)) continue
        return { unreadable: `its line '${name}' has no colon (AH01106)` }
      }
      const value = read.slice(colon + 1).replace(AROUND_VALUE, '')
      // ap_http_filter, reading the body, takes only digits (ap_parse_strict_length; AH01110).
      if (/^content-length$/i.test(read.slice(0, colon)) && !/^\d+$/.test(value))
        return { unreadable: `its Content-Length '${asLogged(value)}' is no number (AH01110)` }
      fields.push([read.slice(0, colon), value])
    }
    if (first.status >= 200) return { status: first.status, reason: first.reason, fields }
  }
}

/** Whether `bytes` begin with `HTTP/1`, as nearly every answer does (byte by byte: no string made). */
function beginsHttp1(bytes: Buffer): boolean {
  return (
    bytes[0] === 0x48 &&
    bytes[1] === 0x54 &&
    bytes[2] === 0x54 &&
    bytes[3] === 0x50 &&
    bytes[4] === 0x2f &&
    bytes[5] === 0x31
  )
}

/**
 * ap_proxyerror's reason for an answer node's parser reads and httpd does not, from `lead`, its
 * bytes up to the end of its final head's status line (interim heads before it, read apart or
 * not): a second empty line before a status line (llhttp skips any number), a major version
 * other than 1 (llhttp takes `HTTP/2.0`) or a status line too long for httpd's buffer. Null
 * otherwise; a short status line that begins with `HTTP/1` and no interim one (no 1 after it),
 * every answer's usual start, is not looked at further.
 */
export function refusedStatusLine(lead: Buffer): string | null {
  const usual = lead.length > 9 && lead.length < LINE_BUFFER - 1 && lead[9] !== 0x31
  if (usual && beginsHttp1(lead)) return null
  const read = readAnswerAsHttpd(lead)
  return read !== null && 'statusLineError' in read ? read.statusLineError : null
}

/** The head that came with `err` (`backendHead`), read as httpd reads it; null when none came or it is not whole. */
export function backendHeadOf(err: Error): HttpdHead | null {
  const bytes = (err as WithBackendHead).backendHead
  return bytes === undefined ? null : readHeadAsHttpd(bytes)
}

/** The answer that came with `err` (`backendHead`), as mod_proxy_http reads it; null when none came or it is not whole. */
export function backendAnswerOf(err: Error): HttpdAnswer | null {
  const bytes = (err as WithBackendHead).backendHead
  return bytes === undefined ? null : readAnswerAsHttpd(bytes)
}

/**
 * Whether `bytes`, a head not yet whole, hold the whole first line of the head being read (the
 * interim heads before it are whole): ap_proxy_http_process_response read the status line, and
 * a failure to read on is ap_proxy_read_headers' (AH10404, then AH01106), not the status line's
 * (AH01102).
 */
export function statusLineRead(bytes: Buffer): boolean {
  const text = bytes.toString('latin1')
  // The head being read begins after the last blank line (ap_rgetline: a CR before an LF is dropped).
  const ends = [...text.matchAll(/\n\r?\n/g)]
  const last = ends[ends.length - 1]
  const start = last === undefined ? 0 : last.index + last[0].length
  return text.indexOf('\n', start) >= 0
}

/** More than node's parser reads of a head (--max-http-header-size, 16 KiB): not kept. */
export const HEAD_BYTES = 64 * 1024

/**
 * The reads of a backend's answer kept until its head was read (up to HEAD_BYTES), for
 * keepHeadBytes and the render path's head-tap.ts alike. Only the error path concatenates them.
 */
export class KeptHead {
  private chunks: Buffer[] = []
  private size = 0

  add(chunk: Buffer): void {
    if (this.size >= HEAD_BYTES) return
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  clear(): void {
    this.chunks = []
    this.size = 0
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }

  /** Whether the bytes kept hold the whole head, as far as httpd reads (or as much as is kept). */
  whole(): boolean {
    return this.size >= HEAD_BYTES || readHeadAsHttpd(this.bytes()) !== null
  }

  /** Whether the bytes kept begin an HTTP/0.9 answer: its first line is whole, and no status line. */
  simple(): boolean {
    const read = readAnswerAsHttpd(this.bytes())
    return read !== null && 'simple' in read
  }
}

/**
 * Takes a destroy of the socket it is given (with node's destroy itself) and says whether it
 * dealt with it; false lets the destroy go ahead.
 */
type DestroyHolder = (socket: Socket, err: Error | undefined, destroy: (err?: Error) => void) => boolean

/** The request reading its head on each socket, which may hold that socket's destroys. */
const holders = new WeakMap<Socket, DestroyHolder>()
const patched = new WeakSet<Socket>()

/**
 * Routes `socket`'s destroys through the holder of the request now reading on it. The socket's
 * `destroy` is replaced once, when its first request takes it, not on every request of a kept-alive
 * connection: adding and deleting an own property per request would turn the long-lived socket's
 * properties into a slow dictionary.
 */
function holdDestroys(socket: Socket, holder: DestroyHolder): void {
  holders.set(socket, holder)
  if (patched.has(socket)) return
  patched.add(socket)
  const destroy = socket.destroy.bind(socket)
  socket.destroy = (err?: Error): Socket => {
    const current = holders.get(socket)
    if (current === undefined || !current(socket, err, destroy)) destroy(err)
    return socket
  }
}

/** `holder` no longer takes `socket`'s destroys (unless the socket's next request put in its own). */
function letGo(socket: Socket, holder: DestroyHolder): void {
  if (holders.get(socket) === holder) holders.delete(socket)
}

/**
 * Keeps what the backend sends on `creq`'s connection until node's parser has read the final
 * head; returns what hands an error of `creq` to `then`, a parser error with those bytes
 * (`backendHead`). Taken before node's own listener does (it may fail on the chunk), and dropped
 * once the head is read.
 *
 * node's parser refuses a head at the byte it cannot take, which may come in an early read,
 * before the head's end, and destroys the connection at once; httpd reads the head to its end
 * (ap_proxy_read_headers, line by line) before it judges it. So the destroy that comes with a
 * parser error (node's, without an error, the error emitted on the request right after) is held
 * on a head not yet whole, the backend's further reads kept, until the head is whole, HEAD_BYTES
 * came or the backend closed its side: then `then` gets the parser error. Any other destroy (a
 * timeout, an abort) ends the wait at once, and its own error comes instead.
 *
 * `handsSimple` (mod_proxy_http): the first line of an HTTP/0.9 answer (readAnswerAsHttpd), once
 * whole, comes with the parser error and the connection itself (`backendSocket`), not destroyed,
 * for the rest of that answer's body.
 */
export function keepHeadBytes(
  creq: ClientRequest,
  handsSimple = false
): (err: Error, then: (err: Error) => void) => void {
  const kept = new KeptHead()
  let socket: Socket | null = null
  let done = false
  /** Destroys the socket held for the rest of a refused head. */
  let release: ((err?: Error) => void) | null = null
  /** Hands the parser's error on, once the head is whole. */
  let refused: (() => void) | null = null
  const take = (chunk: Buffer): void => {
    kept.add(chunk)
    if (refused && kept.whole()) refused()
  }
  const hold: DestroyHolder = (s, err, destroy) => {
    if (release) release(err)
    else if (done || err !== undefined || s.readableEnded || (kept.whole() && !(handsSimple && kept.simple())))
      return false
    else {
      release = (e) => {
        release = refused = null
        letGo(s, hold)
        destroy(e)
      }
      // Not followed by a parser error (an abort without an error): no wait.
      queueMicrotask(() => {
        if (!refused) release?.()
      })
    }
    return true
  }
  const stop = (): void => {
    done = true
    socket?.off('data', take)
    if (socket && !release) letGo(socket, hold)
  }
  creq.once('socket', (s: Socket) => {
    socket = s
    if (done) return
    s.prependListener('data', take)
    holdDestroys(s, hold)
  })
  creq.once('response', stop)
  creq.once('close', stop)
  return (err, then) => {
    const parsing = !done && isParserError(err)
    const withBytes = (): Error => Object.assign(err, { backendHead: kept.bytes() })
    if (parsing && release && socket) {
      const held = socket
      const hand = (): void => {
        if (refused !== hand) return
        held.off('end', hand)
        if (handsSimple && kept.simple()) {
          // An HTTP/0.9 answer: its body goes on until the backend closes the connection, which
          // is handed on open, no longer held.
          release = refused = null
          stop()
          then(Object.assign(withBytes(), { backendSocket: held }))
          return
        }
        release?.()
        stop()
        then(withBytes())
      }
      refused = hand
      held.once('end', hand)
      // The first line of an HTTP/0.9 answer came whole in the read node's parser refused.
      if (kept.whole()) hand()
      return
    }
    // Any error before the head was read has the bytes that came: a timeout's answer depends
    // on whether the status line was among them (statusLineRead).
    const early = !done
    stop()
    // An HTTP/0.9 answer whose connection ended with the read that brought it comes whole.
    if (early && handsSimple && socket && kept.simple()) then(Object.assign(withBytes(), { backendSocket: socket }))
    else then(early ? withBytes() : err)
  }
}
