/**
 * A one-off GET to a render outside any client request: the `/health_check` page and the
 * `/vanity_urls` list (dispatcher-behavior.md §4.4, §6.4). It uses its own short-lived
 * connection, bounded in time and size, so a busy or hanging render cannot hold it up and it
 * never takes a connection a client request is waiting for.
 */
import type { LookupFunction } from 'node:net'
import { Client } from 'undici'
import type { Render } from '../../../shared/config-model'
import { errorCode } from '../http/error-code'
import { renderAddress, renderOrigin } from './render-address'
import { renderConnector } from './render-client'
import { renderLookup } from './render-lookup'
import { socketErrorText } from './socket-errors'

export interface RenderGetOptions {
  /** Upper bound for the whole exchange. */
  timeoutMs: number
  /** Bytes of body kept; the rest is read and dropped. */
  maxBytes?: number
  allowSelfSigned?: boolean
  lookup?: LookupFunction
}

export type RenderGetResult =
  { kind: 'response'; status: number; body: string } | { kind: 'error'; code: string | undefined; message: string }

export async function getFromRender(render: Render, path: string, opts: RenderGetOptions): Promise<RenderGetResult> {
  const lookup = opts.lookup ?? renderLookup(render)
  const connectTimeout = render.timeout.value > 0 ? Math.min(render.timeout.value, opts.timeoutMs) : opts.timeoutMs
  const client = new Client(renderOrigin(render), {
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    // undici's connectTimeout runs on its 1-second fast timers: /timeout below a second is
    // held by a native timer instead (render-client.ts).
    connect: renderConnector(render, lookup, opts.allowSelfSigned, connectTimeout)
  })
  try {
    const res = await client.request({
      method: 'GET',
      path,
      headers: { host: renderAddress(render) },
      signal: AbortSignal.timeout(opts.timeoutMs)
    })
    const limit = opts.maxBytes ?? 1024 * 1024
    const kept: Buffer[] = []
    let size = 0
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (size < limit) kept.push(chunk.subarray(0, limit - size))
      size += chunk.length
    }
    return { kind: 'response', status: res.statusCode, body: Buffer.concat(kept).toString('utf8') }
  } catch (e) {
    const err = e as Error
    const code = err.name === 'TimeoutError' ? 'ETIMEDOUT' : errorCode(err) || undefined
    return { kind: 'error', code, message: socketErrorText(code, err.message) }
  } finally {
    void client.destroy().catch(() => undefined)
  }
}
