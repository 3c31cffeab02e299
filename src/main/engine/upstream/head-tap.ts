/**
 * The bytes a render sent for a request until undici's parser read its final head, kept for a
 * head the parser refuses: undici's error (HTTPParserError) carries only the bytes from where
 * llhttp stopped, and mod_dispatcher reads such a head with a reader of its own, so what httpd
 * then makes of it needs the head whole (refused-head.ts). The bytes come with the parser's
 * error as `backendHead` (http/backend-head.ts), as proxy-transport.ts hands node:http's.
 *
 * A connection carries one request at a time (the pool's pipelining is 1). undici's documented
 * diagnostics channels say when a request's head is written on a socket
 * (`undici:client:sendHeaders`: the render's answer starts after it) and when its answer's head
 * was read (`undici:request:headers`); in between the socket's chunks are kept, as undici reads
 * them ('data' comes with each `socket.read()`, before the parser sees the chunk). The body is
 * never kept.
 */
import diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { errors } from 'undici'
import { HEAD_BYTES, type WithBackendHead } from '../http/backend-head'

class HeadTap {
  private chunks: Buffer[] = []
  private size = 0
  private reading = false
  private readonly take = (chunk: Buffer): void => {
    if (this.size >= HEAD_BYTES) return
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  constructor(private readonly socket: Socket) {
    // undici destroys the socket with the parser's error; the request fails with that same
    // error once the socket closes, after this listener ran.
    socket.on('error', (err: Error) => {
      // undici's HTTPParserError has no code (its constants.ERROR is not indexed by number).
      if (this.reading && err instanceof errors.HTTPParserError)
        (err as WithBackendHead).backendHead = Buffer.concat(this.chunks)
      this.stop()
    })
  }

  /** A request's head went out: what comes next is its answer. */
  start(): void {
    this.chunks = []
    this.size = 0
    // Added while undici's 'readable' listener holds the socket paused: 'data' does not make it flow.
    if (!this.reading) this.socket.on('data', this.take)
    this.reading = true
  }

  /** The answer's head was read (or the connection failed): nothing more to keep. */
  stop(): void {
    this.chunks = []
    this.size = 0
    if (this.reading) this.socket.off('data', this.take)
    this.reading = false
  }
}

const taps = new WeakMap<object, HeadTap>()
const byRequest = new WeakMap<object, HeadTap>()

diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: object }
  const tap = taps.get(socket)
  if (!tap) return
  tap.start()
  byRequest.set(request, tap)
})

diagnostics.subscribe('undici:request:headers', (message) => {
  const { request, response } = message as { request: object; response: { statusCode: number } }
  // An interim answer (1xx) is followed by the final head, which may still be refused.
  if (response.statusCode >= 200) byRequest.get(request)?.stop()
})

/** Keeps the head bytes of each answer on `socket`, a connection undici made to a render. */
export function tapHeadBytes(socket: Socket): void {
  taps.set(socket, new HeadTap(socket))
}
