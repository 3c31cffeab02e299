/**
 * The head Node's parser failed on, found again in the bytes it failed in (its clientError's
 * rawPacket and bytesParsed), so that it can be answered as httpd answers it: judged as httpd
 * reads it (request-head.ts) where httpd refuses it too (node-heads.ts), or, for Node's own 400,
 * whether it is a HEAD's (server.ts). Node's parser gives no offsets of the requests before it:
 * the head starts after the last blank line before the failure, or after the body that ran
 * into it.
 */
import { HEAD_END, NODE_METHODS, REQUEST_LINE } from './request-head'
import { HTTP_TOKEN } from './token'

/** A line that starts like a request line (a method token and a space), however it goes on. */
const METHOD_START = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ /

/**
 * Whether the head Node's parser failed on is a HEAD's: the first word of that head, which
 * starts after the last blank line before the error (`parsed` bytes into `packet`). When a
 * request body lies between (no request line there), the last request line before the error's
 * line stands in. A head that began in an earlier packet is not seen: then the answer has its body.
 */
export function failedHeadIsHead(packet: unknown, parsed: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false
  const at = typeof parsed === 'number' && parsed >= 0 ? Math.min(parsed, packet.length) : packet.length
  const before = packet.toString('latin1', 0, at)
  let start = before.lastIndexOf('\r\n\r\n')
  start = start < 0 ? 0 : start + 4
  while (before.startsWith('\r\n', start)) start += 2
  const lineEnd = packet.indexOf('\r\n', start, 'latin1')
  const first = packet.toString('latin1', start, lineEnd < 0 ? packet.length : lineEnd)
  if (METHOD_START.test(first)) return first.startsWith('HEAD ')
  // A body before the head: its request line is the last line shaped like one, up to the error's.
  const errorLineEnd = packet.indexOf('\r\n', at, 'latin1')
  const lines = packet.toString('latin1', 0, errorLineEnd < 0 ? packet.length : errorLineEnd).split('\r\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = REQUEST_LINE.exec(lines[i])
    if (m && m[3] !== undefined) return m[1] === 'HEAD'
  }
  return false
}

/**
 * The head Node's parser failed on, `at` bytes into `bytes` (as latin1): from the end of the
 * last blank line before that failure (the request before it, if any, ended there) to the head's
 * own blank line, or as far as it came. `bytes` starts where nothing before can be this head's:
 * the packet the parser failed in, behind the packets of the head under way, if any.
 * `bodyLength`: the length of the body of the request before it (0 for none), which need not
 * end in a line end.
 */
export function failedHead(bytes: Buffer, at: number, bodyLength: number): string {
  // Searched from 4 bytes before the failure: the head's own blank line (where llhttp may have
  // failed, on a line without a colon) is not the end of a request before it.
  const before = at >= 4 ? bytes.lastIndexOf(HEAD_END, at - 4) : -1
  let start = before < 0 ? 0 : before + 4
  if (bodyLength > 0) {
    const found = startAfterBody(bytes.toString('latin1', start, at))
    // A head whose line is not shaped like one (`GET /x`, HTTP/0.9): the body's length says where
    // it starts, if that blank line ended the head before the body (a body may hold one too).
    start += found >= 0 ? found : before >= 0 && start + bodyLength <= at ? bodyLength : 0
  }
  const end = bytes.indexOf(HEAD_END, start)
  return bytes.toString('latin1', start, end < 0 ? bytes.length : end)
}

/**
 * Where a head starts in `text`, which begins with the end of a body: on the last line that ends
 * like a request line (before the line that failed, which `text` ends in), at its method. That
 * method is one llhttp knows (it fails on any other), so the bytes of the body glued to it are
 * those before the longest such method the line's last token ends in. -1 when no line is one.
 */
function startAfterBody(text: string): number {
  // The lines before the one that failed, the last first.
  let end = text.lastIndexOf('\r\n')
  while (end >= 0) {
    const before = end > 0 ? text.lastIndexOf('\r\n', end - 1) : -1
    const start = before < 0 ? 0 : before + 2
    // A field whose value ends so (`X: a b HTTP/1.1`) names no method llhttp knows: passed over.
    const method = methodRun(text, start, end)
    if (method !== null)
      for (let i = Math.max(method.from, method.to - LONGEST_METHOD); i < method.to; i++)
        if (NODE_METHODS.has(text.slice(i, method.to))) return i
    end = before
  }
  return -1
}

const PROTOCOL_END = /^ HTTP\/[1-9]\.[0-9]$/
const LONGEST_METHOD = Math.max(...[...NODE_METHODS].map((m) => m.length))

/**
 * The token run before ` target HTTP/d.d` when the line from `start` to `end` ends so; else
 * null. Read backwards, once (a pattern tried from every position would go over a long body
 * line again and again).
 */
function methodRun(text: string, start: number, end: number): { from: number; to: number } | null {
  if (end - start < 12 || !PROTOCOL_END.test(text.slice(end - 9, end))) return null
  const space = text.lastIndexOf(' ', end - 10)
  if (space < start || space === end - 10) return null
  let from = space
  while (from > start && HTTP_TOKEN.test(text[from - 1])) from--
  return from === space ? null : { from, to: space }
}
