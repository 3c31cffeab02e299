/**
 * A backend answer whose first line is no status line (`hello`, `<html>`, `HTTP/1.1 abc`, `ICY
 * 200 OK`; http/status-line.ts): ap_proxy_http_process_response takes it for HTTP/0.9 and
 * relays it as `200 OK` without any of the backend's header lines, its body the first line (its
 * line end dropped) and every byte after it until the backend closes the connection, which is
 * not kept (backend->close). A backend that keeps it open is cut off after ProxyTimeout (AH01110
 * "error reading response"), the client's answer left incomplete. Measured against apache2
 * 2.4.68 (proxy-answers.test.ts, proxy-timeouts.test.ts).
 *
 * node's parser refuses such an answer at its first byte; keepHeadBytes (http/backend-head.ts)
 * hands the connection on with the parser's error, open, once the first line is whole.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { backendAnswerOf, type WithBackendHead } from '../http/backend-head'

/** An HTTP/0.9 answer: its connection, the first bytes of its body, and how many of them its first line is. */
export interface SimpleAnswer {
  socket: Socket
  body: Buffer
  lineLength: number
}

/** The HTTP/0.9 answer `err` came with, or null (an open connection that came with it is closed). */
export function simpleAnswerOf(err: Error): SimpleAnswer | null {
  const socket = (err as WithBackendHead).backendSocket
  if (socket === undefined) return null
  const read = backendAnswerOf(err)
  if (read !== null && 'simple' in read) return { socket, body: read.simple, lineLength: read.lineLength }
  socket.destroy()
  return null
}

/**
 * The header lines the answer goes on with: none but, for a HEAD, the Content-Length of its
 * first line: mod_proxy_http reads no body for a HEAD, but that line is already in the brigade
 * it passes on, and the content-length filter counts it.
 */
export function simpleAnswerHeaders(answer: SimpleAnswer, headOnly: boolean): IncomingHttpHeaders {
  return headOnly ? { 'content-length': String(answer.lineLength) } : {}
}

/**
 * Hands the body to `to`, read by read, until the backend closes the connection; for a HEAD
 * nothing, and the connection is closed at once. The caller's timeout on the connection (the
 * request's ProxyTimeout) cuts a backend off that keeps it open.
 */
export function streamSimpleAnswer(
  answer: SimpleAnswer,
  headOnly: boolean,
  to: { data(chunk: Buffer): void; end(): void }
): void {
  const { socket } = answer
  const end = (): void => {
    socket.destroy()
    to.end()
  }
  if (headOnly) return end()
  to.data(answer.body)
  if (socket.readableEnded || socket.destroyed) return end()
  // The connection still flows as node's parser left it (or as the caller paused it since).
  socket.on('data', (chunk: Buffer) => to.data(chunk))
  socket.once('end', end)
}
