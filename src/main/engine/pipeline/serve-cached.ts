/**
 * Delivers a cached file the way the web server does once the module declines
 * (dispatcher-behavior.md §5.8): Apache's static handler (type, validators, 304, ranges)
 * plus the stored `.h` headers, then the vhost's `Header` directives.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { cachedFileBody, cachedFileResponse, contentTypeOf, type CachedFile } from '../cache'
import type { RequestContext } from './context'
import { defaultCharsetOf, finalHeaders, RANGE_BY_FILTER } from './response-headers'
import { fileAnswer } from './deflate'
import { apacheSections } from './apache-sections'
import { addedTypeFor } from './mime-settings'
import { answer } from './stages/answer'

/** `now`: the clock when the caller has it (a hit answered as the request starts: its start time). */
export function serveCached(
  ctx: RequestContext,
  file: CachedFile,
  relPath: string,
  extra: OutgoingHttpHeaders = {},
  now: number = Date.now()
): boolean | Promise<boolean> {
  const opts = {
    now,
    fileETag: ctx.vhost?.fileETag,
    forcedType: forcedTypeOf(ctx, relPath),
    defaultCharset: ctx.headers.range === undefined ? null : defaultCharsetOf(ctx)
  }
  const res = fileAnswer(
    ctx,
    (headers) => cachedFileResponse(file, relPath, { method: ctx.req.method, headers }, opts),
    () => file.body ?? null
  )
  // httpd's byte-range filter turns an unsatisfiable range into its own 416 error page.
  if (res.status === 416) {
    ctx.servedMtime = file.mtime
    ctx.unmeasuredError = true
    return answer(ctx, 416)
  }
  // 4.3.1 sets Age on what it delivers from the cache (DISP-733): the seconds since the file was
  // stored. The AEMaaCS baseline's `Header unset Age` removes it again (§5.8).
  let headers = withAge(res.headers as OutgoingHttpHeaders, String(Math.max(0, Math.floor((now - file.mtime) / 1000))))
  // Shared between hits: copied before adding to them, and handed on as they are otherwise
  // (nothing changes the object given to `head`).
  const info = cacheInfoHeader(ctx)
  if (info !== undefined || !isEmpty(extra)) {
    headers = { ...headers, ...extra }
    if (info !== undefined) headers['x-cache-info'] = info
  }
  ctx.status = res.status
  // A 304 names no type, but r->content_type is still the file's (Header expressions read it).
  const source = {
    fileMtime: file.mtime,
    contentType: contentTypeOf(res),
    filterLines: res.status === 206 ? RANGE_BY_FILTER : undefined
  }
  ctx.reply.head(res.status, finalHeaders(ctx, res.status, headers, false, source))
  const body = ctx.mode === 'explain' ? null : cachedFileBody(file, res)
  if (body === null) {
    // A HEAD hit hands its kept bytes on (none go out): mod_deflate counts what they compress to.
    ctx.reply.end(ctx.req.method === 'HEAD' && res.status === 200 ? (file.body ?? undefined) : undefined)
    return true
  }
  if (Buffer.isBuffer(body)) {
    ctx.trace.response.bytes = body.length
    ctx.reply.end(body)
    return true
  }
  return pipeFile(ctx, body)
}

/**
 * `r->content_type` before the default handler runs, when the configuration decides it: a
 * rewrite `[T=]`, else mod_mime's `ForceType`, else an `AddType` for the file's extension.
 */
export function forcedTypeOf(ctx: RequestContext, fileName: string): string | undefined {
  if (ctx.forcedType !== undefined) return ctx.forcedType
  if (!ctx.vhost?.apache.scoped.hasMime) return undefined
  const mime = apacheSections(ctx)?.mime
  return mime?.forceType ?? addedTypeFor(mime?.addTypes ?? null, fileName)
}

/** Streams a file to the client with backpressure; the client going away stops the read. */
export function pipeFile(ctx: RequestContext, stream: Readable): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    // `onDrain` listens for every drain until the answer is over: hooked once, at the first pause.
    let drainHooked = false
    stream.on('data', (chunk: Buffer) => {
      ctx.trace.response.bytes += chunk.length
      if (!ctx.reply.write(chunk)) {
        stream.pause()
        if (!drainHooked) {
          drainHooked = true
          ctx.reply.onDrain(() => stream.resume())
        }
      }
    })
    stream.on('end', () => {
      ctx.reply.end()
      resolve(true)
    })
    stream.on('error', () => {
      ctx.reply.end()
      resolve(true)
    })
    ctx.reply.onAbort(() => {
      stream.destroy()
      resolve(true)
    })
  })
}

const withAgeMemo = new WeakMap<OutgoingHttpHeaders, { age: string; headers: OutgoingHttpHeaders }>()

/**
 * A file version's shared (frozen) headers with an Age: one frozen object per version and
 * second, so the listener still serialises a hit's headers once (lean-reply.ts) rather than on
 * every hit.
 */
function withAge(headers: OutgoingHttpHeaders, age: string): OutgoingHttpHeaders {
  if (!Object.isFrozen(headers)) return { ...headers, age }
  const known = withAgeMemo.get(headers)
  if (known?.age === age) return known.headers
  const out = Object.freeze({ ...headers, age })
  withAgeMemo.set(headers, { age, headers: out })
  return out
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false
  return true
}

/** `/info "1"` and a request carrying `X-Dispatcher-Info` get `X-Cache-Info` (§8.3). */
export function cacheInfoHeader(ctx: RequestContext): string | undefined {
  if (!ctx.cacheInfo || !ctx.farm?.farm.info.value || ctx.headers['x-dispatcher-info'] === undefined) return undefined
  return ctx.cacheInfo
}
