/**
 * Requests with a body under `/failover "1"` go to the render with `Expect: 100-continue`
 * (dispatcher-behavior.md §6.3; DC "Using the failover mechanism": the body is spooled only
 * after the render's `100 Continue`, so a render that refuses the request answers before it
 * read a byte, and the request can be resent to another render with its body intact).
 *
 * undici refuses an `Expect` header (NotSupportedError), so these requests go through
 * node:http, whose client reports the interim `100 Continue` (`continue`); every other request
 * uses the render's undici Pool (render-client.ts). Same contract as the Pool's path: the
 * answer is streamed to a ResponseSink with backpressure, keep-alive connections are reused,
 * and `/timeout` (connect) and `/receiveTimeout` (headers, then between body chunks) apply.
 *
 * A render that never sends `100 Continue` (an old server, or one that ignores the header)
 * gets the body after CONTINUE_WAIT_MS anyway, as curl does, so nothing waits forever.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { LookupFunction, Socket } from 'node:net'
import type { Render } from '../../../shared/config-model'
import { backendSpelling } from '../http/header-spelling'
import type { ForwardRequest, ResponseSink } from './render-client'
import { classifyRenderError, RenderError } from './render-error'
import { reportRenderFailure } from './refused-head'
import { keepHeadBytes } from '../http/backend-head'
import type { IdleDropSink } from './head-tap'
import { connectionUse, type ConnectionUse } from './keep-alive-log'

/** How long the body waits for `100 Continue` once the request head is out (curl's default). */
export const CONTINUE_WAIT_MS = 1000

export interface ExpectingOptions {
  keepAliveMs: number
  allowSelfSigned?: boolean
  lookup?: LookupFunction
  /** Told when the agent closes a kept connection for its inactivity (the render's client). */
  owner?: IdleDropSink
}

export class ExpectContinueClient {
  private readonly agent: http.Agent
  private readonly request: typeof http.request
  /** Kept connections, idle since (performance.now()), until a request takes them again. */
  private readonly idleSince = new WeakMap<Socket, number>()

  constructor(
    private readonly render: Render,
    private readonly opts: ExpectingOptions
  ) {
    const keepAlive = opts.keepAliveMs > 0
    const agentOptions = { keepAlive, maxSockets: 256, ...(keepAlive ? { timeout: opts.keepAliveMs } : {}) }
    if (render.secure.value) {
      this.agent = new https.Agent({ ...agentOptions, rejectUnauthorized: !opts.allowSelfSigned })
      this.request = https.request
    } else {
      this.agent = new http.Agent(agentOptions)
      this.request = http.request
    }
  }

  /** `dropped`: the render's idle drops since its previous request (RenderClient.forward), told with this one. */
  forward(req: ForwardRequest, sink: ResponseSink, dropped: readonly number[] | null = null): () => void {
    const render = this.render
    const timers = new Set<NodeJS.Timeout>()
    const later = (ms: number, fn: () => void): NodeJS.Timeout => {
      const t = setTimeout(() => {
        timers.delete(t)
        fn()
      }, ms)
      timers.add(t)
      return t
    }
    const clear = (t: NodeJS.Timeout | undefined): void => {
      if (t === undefined) return
      clearTimeout(t)
      timers.delete(t)
    }
    let bodySent = false
    let headersSeen = false
    let over = false
    const end = (report: () => void): void => {
      if (over) return
      over = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      report()
    }

    const creq = this.request({
      host: render.hostname.value,
      port: render.port.value,
      method: req.method,
      path: req.path,
      headers: req.headers,
      agent: this.agent,
      ...(this.opts.lookup ? { lookup: this.opts.lookup } : {})
    })
    const sendBody = (): void => {
      if (bodySent) return
      bodySent = true
      if (req.body) req.body.pipe(creq)
      else creq.end()
    }
    const headersTimer =
      render.receiveTimeout.value > 0
        ? later(render.receiveTimeout.value, () =>
            creq.destroy(
              new RenderError('timeout', 'render did not answer within /receiveTimeout', 'UND_ERR_HEADERS_TIMEOUT')
            )
          )
        : undefined
    let continueTimer: NodeJS.Timeout | undefined
    const awaitContinue = (): void => {
      continueTimer = later(CONTINUE_WAIT_MS, sendBody)
    }

    // What the connection did, for the module's keep-alive lines (keep-alive-log.ts): node says
    // whether the request went on a kept connection (`reusedSocket`).
    const use = (): ConnectionUse | undefined => connectionUse(creq.socket ? !creq.reusedSocket : null, dropped)
    creq.on('socket', (socket) => {
      if (!socket.connecting) {
        this.idleSince.delete(socket)
        return awaitContinue()
      }
      this.watchIdle(socket)
      const connectTimer =
        render.timeout.value > 0
          ? later(render.timeout.value, () =>
              creq.destroy(new RenderError('connect', 'Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'))
            )
          : undefined
      socket.once(render.secure.value ? 'secureConnect' : 'connect', () => {
        clear(connectTimer)
        awaitContinue()
      })
    })
    creq.on('continue', () => {
      clear(continueTimer)
      sendBody()
    })
    creq.on('response', (res: IncomingMessage) => {
      clear(headersTimer)
      clear(continueTimer)
      headersSeen = true
      relay(res)
    })
    // A head node's parser refused comes with its bytes, for what httpd's header filter makes of it.
    const withHeadBytes = keepHeadBytes(creq)
    creq.on('error', (error: Error) =>
      withHeadBytes(error, (err) => end(() => reportRenderFailure(sink, err, headersSeen, use())))
    )
    // Whatever ends the exchange without an event above (a socket closed under it) still ends it.
    creq.on('close', () => end(() => sink.onError(new RenderError(headersSeen ? 'body' : 'connect', 'socket closed'))))

    const relay = (res: IncomingMessage): void => {
      let idle: NodeJS.Timeout | undefined
      const receive = render.receiveTimeout.value
      const watchIdle = (): void => {
        if (receive <= 0 || over) return
        clear(idle)
        idle = later(receive, () =>
          res.destroy(new RenderError('body', 'render stopped sending within /receiveTimeout'))
        )
      }
      // A final answer before `100 Continue`: the body was never sent, so this connection
      // cannot carry another request; it is closed once the answer is read.
      const unsent = !bodySent
      res.on('data', (chunk: Buffer) => {
        watchIdle()
        if (!sink.onData(chunk)) res.pause()
      })
      res.on('end', () =>
        end(() => {
          if (unsent) creq.destroy()
          // node hands the connection back to the agent on the next tick (responseKeepAlive,
          // emitFreeNT), and the agent keeps it or destroys it then: asked on the tick after.
          const socket = creq.socket
          if (socket) process.nextTick(() => sink.onEnd(this.keptAfterAnswer(socket)))
          else sink.onEnd()
        })
      )
      res.on('error', (error: Error) => end(() => sink.onError(classifyRenderError(error, true))))
      res.on('close', () => end(() => sink.onError(new RenderError('body', 'render closed the connection'))))
      watchIdle()
      sink.onHead(res.statusCode ?? 502, headersOf(res), () => res.resume(), backendSpelling(res.rawHeaders), use())
    }

    creq.flushHeaders()
    return () => creq.destroy(new RenderError('aborted', 'client went away'))
  }

  /** Whether the agent kept `socket` once an answer was read on it (see the answer's 'end'). */
  private keptAfterAnswer(socket: Socket): boolean {
    if (socket.destroyed) return false
    this.idleSince.set(socket, performance.now())
    return true
  }

  /**
   * A new connection: the agent's timeout (its keep-alive) destroys it when it comes while the
   * connection is kept idle (http.Agent's onTimeout), which the render's next request tells.
   * The agent's listener was installed first, so the connection is destroyed when this one runs.
   */
  private watchIdle(socket: Socket): void {
    const owner = this.opts.owner
    if (!owner) return
    socket.on('timeout', () => {
      const since = this.idleSince.get(socket)
      if (since !== undefined && socket.destroyed) owner.droppedIdle(Math.round((performance.now() - since) / 1000))
    })
  }

  destroy(): void {
    this.agent.destroy()
  }
}

/** undici's shape: lower-case names, a repeated field as an array of its values in order. */
export function headersOf(res: IncomingMessage): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  const distinct = res.headersDistinct
  for (const name in distinct) {
    const values = distinct[name]
    if (values) (out as Record<string, string | string[]>)[name] = values.length === 1 ? values[0] : values
  }
  return out
}
