/**
 * One attempt to forward a request through a `RenderClient`, shaped for the attempts loop
 * (attempts.ts): it settles when the render's response headers arrive — or when the attempt
 * fails — and keeps the body waiting until the caller decides. `deliver(sink)` streams the
 * answer to the client; `discard()` drops it because failover sends the request elsewhere
 * (dispatcher-behavior.md §6.4). Until then the render is paused after its first chunk, so a
 * held answer costs one chunk of memory.
 *
 * Every path settles: an error thrown by the pool, a render that closes the connection, the
 * client going away (`signal`) — no attempt can leave a request waiting.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { SendOutcome } from './attempts'
import { BodyGuard } from './body-guard'
import { RenderError, type ForwardRequest, type RenderClient, type ResponseSink } from './render-client'
import { errorCode } from '../http/error-code'
import type { ConfiguredSpelling } from '../http/header-spelling'
import type { ConnectionUse } from './keep-alive-log'

export interface PendingResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The render's own spelling of the names it sent, where it is not the usual one (header-spelling.ts). */
  spelling?: ConfiguredSpelling
  /**
   * Why httpd's header filter refuses this answer's head (refused-head.ts): the render answered,
   * but what goes to the client is ap_die's 500; there is no body.
   */
  refusal?: string
  /** Hands the answer to `sink`: `onHead`, the body chunks (with backpressure), then `onEnd` or `onError`. */
  deliver(sink: ResponseSink): void
  /** Drops the answer and closes its transfer; also how a delivered answer is cut short. */
  discard(): void
}

/**
 * Starts one attempt and reports its outcome through `onOutcome`, synchronously from the HTTP
 * client's callback when the headers arrive (or the attempt fails), so that a caller which
 * needs no decision can stream the answer without waiting for a promise. `onFinish` runs when
 * the transfer is over (body complete or failed). Returns what cuts the attempt short.
 */
export function startForward(
  client: RenderClient,
  req: ForwardRequest,
  onOutcome: (outcome: SendOutcome<PendingResponse>) => void,
  onFinish?: () => void
): () => void {
  const guard = req.body ? new BodyGuard(req.body) : null
  let settled = false
  let target: ResponseSink | null = null
  let held: Buffer[] | null = null
  let ended = false
  /** The render's connection was kept once the answer was read (ResponseSink.onEnd). */
  let kept: boolean | undefined
  let failure: RenderError | null = null
  let resume: () => void = () => undefined
  let abort: () => void = () => undefined
  let finished = false

  const finish = (): void => {
    finished = true
    onFinish?.()
  }
  const fail = (error: RenderError, use?: ConnectionUse): void => {
    finish()
    if (!settled) {
      settled = true
      onOutcome({ kind: 'error', error, bodyTouched: guard?.touched ?? false, use })
      return
    }
    if (target) target.onError(error)
    else failure = error
  }

  const pending = (
    status: number,
    headers: IncomingHttpHeaders,
    spelling?: ConfiguredSpelling,
    refusal?: string
  ): PendingResponse => ({
    status,
    headers,
    spelling,
    refusal,
    deliver(sink) {
      if (target) throw new Error('response already delivered')
      target = sink
      sink.onHead(status, headers, () => resume(), spelling)
      let ready = true
      if (held) for (const chunk of held.splice(0)) ready = sink.onData(chunk)
      if (ended) sink.onEnd(kept)
      else if (failure) sink.onError(failure)
      else if (ready) resume()
    },
    discard() {
      if (!finished) abort()
    }
  })

  const answered = (response: PendingResponse, use?: ConnectionUse): void => {
    if (settled) return
    settled = true
    onOutcome({
      kind: 'response',
      status: response.status,
      response,
      discard: response.discard,
      bodyTouched: guard?.touched ?? false,
      use
    })
  }

  try {
    abort = client.forward(
      { method: req.method, path: req.path, headers: req.headers, body: guard?.stream ?? null },
      {
        onHead(status, headers, resumeRender, spelling, use) {
          resume = resumeRender
          answered(pending(status, headers, spelling), use)
        },
        onRefusedHead(head) {
          // The connection is gone with the parser's error: the answer has no body to wait for.
          ended = true
          finish()
          answered(pending(head.status, head.headers, undefined, head.refusal))
        },
        onData(chunk) {
          if (target) return target.onData(chunk)
          ;(held ??= []).push(chunk)
          return false
        },
        onEnd(keptAfter) {
          finish()
          if (target) target.onEnd(keptAfter)
          else {
            ended = true
            kept = keptAfter
          }
        },
        onError: fail
      }
    )
  } catch (e) {
    fail(new RenderError('connect', (e as Error).message, errorCode(e)))
  }
  return () => abort()
}

export function forwardOnce(
  client: RenderClient,
  req: ForwardRequest,
  signal?: AbortSignal
): Promise<SendOutcome<PendingResponse>> {
  return new Promise((resolve) => {
    let done = false
    const onSignal = (): void => cancel()
    const cancel = startForward(client, req, resolve, () => {
      done = true
      signal?.removeEventListener('abort', onSignal)
    })
    if (done) return
    if (signal?.aborted) cancel()
    else signal?.addEventListener('abort', onSignal, { once: true })
  })
}
