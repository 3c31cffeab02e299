/**
 * Apache's own default handler: a request the Dispatcher does not handle (no
 * `SetHandler dispatcher-handler` for it, `DispatcherDeclineRoot`, a cache hit the module
 * declined) is answered from the vhost's DocumentRoot like any static file — Content-Type
 * from Apache's mime.types, validators, conditional requests and ranges.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileNameOf } from '../apache-expr/uri-escape'
import type { OutgoingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { contentTypeOf, mtimeMicros, staticResponse } from '../cache/serve-file'
import { staticBodyBytes, staticBodyStream } from '../cache/static-body'
import { contentTypeFor } from '../cache/mime-types'
import { refuseOversizedBody } from './request-body-limit'
import type { RequestContext } from './context'
import type { ActiveVhost } from '../runtime/active-config'
import type { SourcePos } from '../../../shared/diagnostics'
import { defaultCharsetOf, finalHeaders, MEASURED_BY_FILTER, RANGE_BY_FILTER } from './response-headers'
import { forcedTypeOf, pipeFile } from './serve-cached'
import { fileAnswer } from './deflate'
import { answer } from './stages/answer'
// ap_method_number_of's list: any other token is M_INVALID, which the default handler answers with 501.
import { KNOWN_METHODS } from '../config/apache/access-directives'
import { moduleLoaded } from '../config/apache/modules'
import type { IndexSettings } from '../runtime/index-config'
import { apacheSections, requestFilename, sectionWalkInput } from './apache-sections'
import { directoryWalk } from '../runtime/sections'
import { autoindex } from './autoindex'
import { dirFixup, fallbackFixup, fixupAnswer } from './mod-dir'
import { leavesDocroot, statOf, takeSubrequest } from './subrequest'
import { proxyTo } from './apache-proxy'
import { traceEnableOf } from './trace-enable'

/**
 * The Allow line of what httpd's default handler answers besides GET, HEAD and POST (it serves
 * the file for those): `make_allow` names TRACE only where `TraceEnable` is not off.
 */
function allowOf(ctx: RequestContext): string {
  return traceEnableOf(ctx.vhost?.layers ?? []) === 'off' ? 'GET,POST,OPTIONS,HEAD' : 'GET,POST,OPTIONS,HEAD,TRACE'
}

/** Files up to this size are read whole, so mod_deflate sees the whole body in one pass as httpd's does. */
const WHOLE_BODY_BYTES = 1024 * 1024

export function serveStatic(ctx: RequestContext, v: ActiveVhost, why: string): boolean | Promise<boolean> {
  ctx.setOutcome('static')
  const root = v.docrootAbs
  if (root === undefined) {
    ctx.record('render', 'stop', `${why}; the vhost has no DocumentRoot: 404`)
    return answer(ctx, 404)
  }
  let file = requestFile(ctx, root)
  if (file === null || leavesDocroot(root, file)) {
    ctx.record(
      'render',
      'stop',
      `${why}; the path leaves the DocumentRoot (the workbench reads nothing outside it): 404`
    )
    return answer(ctx, 404)
  }
  let st = statOf(file)
  const below = pathInfoFile(ctx, v, root, file, st)
  if (below) {
    ctx.record('render', 'pass', below.summary, { source: below.source })
    file = below.file
    st = below.stat
  }
  const modules = ctx.config.loaded.apache?.modules
  // What mod_dir's fixups leave the handler: a folder, and the index names they tried.
  let folder: { settings: IndexSettings; names: string | null } | null = null
  if ((!st || st.isDirectory()) && v.modDir) {
    const settings = v.apache.scoped.indexAt(sectionWalkInput(ctx, v))
    // FallbackResource stands in for a file that does not exist (not for path info below a file).
    const fixup = st
      ? dirFixup(ctx, v, settings, root, file)
      : settings.dir.fallback !== null && fileAbove(root, file) === null
        ? fallbackFixup(ctx, v, settings, root)
        : null
    const answered = fixup && fixupAnswer(ctx, fixup)
    if (answered) return answered
    switch (fixup?.kind) {
      case 'index': {
        // ap_internal_fast_redirect: the request becomes the subrequest (its URI, file, query, sections).
        const sub = fixup.sub
        file = sub.file
        st = sub.stat
        ctx.apacheUri = sub.uri
        const proxied = takeSubrequest(ctx, sub)
        if (proxied)
          return proxyTo(ctx, (ctx.proxyTo = proxied), `a RewriteRule with [P] in the subrequest for ${sub.uri}`)
        break
      }
      case 'declined':
        if (st) folder = { settings, names: fixup.names }
    }
  } else if (st?.isDirectory()) {
    folder = { settings: v.apache.scoped.indexAt(sectionWalkInput(ctx, v)), names: null }
  }
  // The default handler reads (and drops) a request body before it answers, whatever it answers:
  // a client waiting on `Expect: 100-continue` gets its 100 and the connection stays open.
  const body = ctx.req.body
  const handle = (): boolean | Promise<boolean> => {
    // mod_autoindex's handler comes before the default one.
    if (folder && st && moduleLoaded(modules, 'autoindex_module')) {
      const listed = autoindex(ctx, v, folder.settings, root, file, st, folder.names, why)
      if (listed !== null) return listed
    }
    const noAutoindex = folder !== null && !moduleLoaded(modules, 'autoindex_module')
    return defaultHandler(ctx, root, file, st, why, noAutoindex, below !== null)
  }
  if (body === null) return handle()
  return (
    refuseOversizedBody(ctx, "httpd's default handler") ??
    discardBody(body).then((whole) => {
      if (whole) return handle()
      // ap_discard_request_body's error is the handler's answer: a read that timed out is
      // answered 408 beside the pipeline (http/body-timeout-answer.ts), a client gone is not.
      ctx.record('render', 'stop', `${why}; the request body did not come whole: the default handler serves nothing`)
      return true
    })
  )
}

/**
 * httpd's `r->filename`: the docroot joined with `r->uri` (after a `[PT]` rewrite), or the file a
 * rewrite without `[PT]` mapped the request to; null when that is outside the docroot.
 */
export function requestFile(ctx: RequestContext, root: string): string | null {
  const file =
    ctx.apacheFilename !== undefined
      ? path.resolve(fileNameOf(ctx.apacheFilename))
      : path.resolve(root, '.' + fileNameOf(ctx.apacheUri ?? ctx.decodedPath))
  return file === root || file.startsWith(root + path.sep) ? file : null
}

/**
 * `/page.html/`: httpd's directory walk stops at the file and keeps the slash as `r->path_info`,
 * which the default handler refuses (AcceptPathInfo Default); `path.resolve` in `requestFile`
 * dropped it, so it is read off the URL.
 */
function slashAfterFile(ctx: RequestContext): boolean {
  return (ctx.apacheFilename ?? ctx.apacheUri ?? ctx.decodedPath).endsWith('/')
}

/**
 * httpd's default_handler, for `file` (`st`: its stat, undefined when absent). Only GET (HEAD)
 * and POST look at the file: any other method gets its answer whether the file exists or not.
 */
function defaultHandler(
  ctx: RequestContext,
  root: string,
  file: string,
  st: fs.BigIntStats | undefined,
  why: string,
  noAutoindex = false,
  pathInfoAccepted = false
): boolean | Promise<boolean> {
  const method = ctx.req.method
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    if (method === 'OPTIONS') return options(ctx, why, file, st?.isDirectory() === true)
    const known = KNOWN_METHODS.has(method)
    const status = known ? 405 : 501
    ctx.record(
      'render',
      'stop',
      known
        ? `${why}; Apache's default handler does not serve ${method}: 405`
        : `${why}; ${method} is not a method httpd knows: its default handler answers 501`
    )
    return answer(ctx, status, { allow: allowOf(ctx) })
  }
  if (st?.isFile() && !pathInfoAccepted && slashAfterFile(ctx)) {
    ctx.record(
      'render',
      'stop',
      `${why}; Apache serves ${file} from the DocumentRoot, but the URL goes on after the file name with '/': path info, which the default handler refuses, 404`
    )
    return answer(ctx, 404)
  }
  if (!st || !st.isFile()) {
    ctx.record(
      'render',
      'stop',
      `${why}; Apache serves ${file} from the DocumentRoot: ${st?.isDirectory() ? `a folder, which the default handler does not serve${noAutoindex ? ' (mod_autoindex is not loaded)' : ''}` : 'not found'}, 404`
    )
    return answer(ctx, 404)
  }
  const facts = {
    relPath: path.relative(root, file),
    size: Number(st.size),
    mtime: Number(st.mtimeMs),
    mtimeUs: mtimeMicros(st)
  }
  const now = Date.now()
  const opts = {
    now,
    forcedType: forcedTypeOf(ctx, file),
    defaultCharset: ctx.headers.range === undefined ? null : defaultCharsetOf(ctx)
  }
  // The file's bytes, read once, when it is small enough to be handed on whole.
  let bytes: Buffer | null | undefined
  const fileBytes = (): Buffer | null => (bytes ??= facts.size <= WHOLE_BODY_BYTES ? readWhole(file) : null)
  const res = fileAnswer(ctx, (headers) => staticResponse(facts, { method, headers }, [], opts), fileBytes)
  if (res.status === 416) {
    // The byte-range filter hands httpd a 416 error: Apache's own page, not the file's headers.
    ctx.record('render', 'stop', `${why}; no range of ${file} is satisfiable: 416`)
    ctx.servedMtime = facts.mtime
    ctx.unmeasuredError = true
    return answer(ctx, 416)
  }
  ctx.record('render', 'stop', `${why}; Apache serves ${file} itself: ${res.status}`)
  ctx.status = res.status
  const source = {
    fileMtime: facts.mtime,
    contentType: contentTypeOf(res),
    filterLines: res.status === 206 ? RANGE_BY_FILTER : undefined
  }
  ctx.reply.head(res.status, finalHeaders(ctx, res.status, res.headers, false, source))
  const headWhole = method === 'HEAD' && res.status === 200
  if ((res.body === 'none' && !headWhole) || ctx.mode === 'explain') {
    ctx.reply.end()
    return true
  }
  if (facts.size <= WHOLE_BODY_BYTES) {
    // The whole file at once: mod_deflate then compresses it in one pass (and gives a
    // Content-Length) exactly when httpd's would. A HEAD hands the bytes on too: httpd sends
    // HEAD bodies through the filters, which count them.
    const all = fileBytes()
    const whole = all && (headWhole ? all : staticBodyBytes(all, res))
    if (whole) {
      ctx.trace.response.bytes = method === 'HEAD' ? 0 : whole.length
      ctx.reply.end(whole)
      return true
    }
  }
  if (method === 'HEAD') {
    ctx.reply.end()
    return true
  }
  const stream = staticBodyStream(file, res)
  if (!stream) {
    ctx.reply.end()
    return true
  }
  return pipeFile(ctx, stream)
}

/** `OPTIONS` on a file: httpd's core answers with the methods it allows and no body. */
function options(ctx: RequestContext, why: string, file: string, folder: boolean): true {
  ctx.record('render', 'stop', `${why}; Apache answers OPTIONS itself: 200 with Allow`)
  ctx.status = 200
  // mod_mime has typed the request by r->filename already: the name the directory walk stopped
  // at, the first missing folder (`/missing/x.jpg` has no type) or the file before path info
  // (`/a.json/x` is typed as `a.json`).
  const headers: OutgoingHttpHeaders = { allow: allowOf(ctx), 'content-length': '0' }
  const v = ctx.vhost
  const typedName = v
    ? fileNameOf(directoryWalk({ filename: requestFilename(ctx, v), probe: v.probe }, v.docroot).filename)
    : file
  // mod_mime's type_checker types a folder httpd/unix-directory.
  const type = folder
    ? (forcedFolderType(ctx) ?? 'httpd/unix-directory')
    : (forcedTypeOf(ctx, typedName) ?? contentTypeFor(typedName))
  if (type) headers['content-type'] = type
  ctx.reply.head(200, finalHeaders(ctx, 200, headers, false, MEASURED_BY_FILTER))
  ctx.reply.end()
  return true
}

/** A folder's type when the configuration forces one (a rewrite `[T=]`, `ForceType`; AddType never names a folder). */
function forcedFolderType(ctx: RequestContext): string | undefined {
  if (ctx.forcedType !== undefined) return ctx.forcedType
  return ctx.vhost?.apache.scoped.hasMime ? (apacheSections(ctx)?.mime.forceType ?? undefined) : undefined
}

/**
 * Reads a request body to its end and drops it (ap_discard_request_body): whether it came
 * whole, not when it broke off (its read timed out, its client went away, a chunk was bad).
 */
function discardBody(body: Readable): Promise<boolean> {
  // Read already (an internal redirect's second round), or gone with its client.
  if (body.readableEnded || body.destroyed) return Promise.resolve(body.readableEnded)
  return new Promise((resolve) => {
    body.once('end', () => resolve(true))
    body.once('error', () => resolve(false))
    body.once('close', () => resolve(body.readableEnded))
    body.resume()
  })
}

/**
 * `AcceptPathInfo On` where the URL goes on after a file's name (`/a.css/more`, `/page.html/`):
 * httpd's directory walk stopped at that file and kept the rest as path info, which the
 * default handler then serves the file with. Null when there is no such file, or the setting
 * in effect is `Default` (the handler refuses path info: 404) or `Off`.
 */
function pathInfoFile(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  file: string,
  st: fs.BigIntStats | undefined
): { file: string; stat: fs.BigIntStats; summary: string; source: SourcePos | undefined } | null {
  const found = st ? (st.isFile() && slashAfterFile(ctx) ? { file, stat: st } : null) : fileAbove(root, file)
  if (!found) return null
  const settings = v.apache.scoped.indexAt(sectionWalkInput(ctx, v))
  if (settings.acceptPathInfo !== 'on') return null
  const rest = found.file === file ? '/' : file.slice(found.file.length)
  return {
    ...found,
    summary: `AcceptPathInfo On: ${found.file} is served with the path info '${rest}'`,
    source: settings.where.acceptPathInfo
  }
}

/**
 * The file on the way to `file` (below the docroot), where httpd's directory walk stops and the
 * rest becomes path info; null when the nearest existing path above it is a folder (or none is).
 */
function fileAbove(root: string, file: string): { file: string; stat: fs.BigIntStats } | null {
  for (let dir = path.dirname(file); dir.length > root.length && dir.startsWith(root); dir = path.dirname(dir)) {
    const s = statOf(dir)
    if (s) return s.isFile() ? { file: dir, stat: s } : null
  }
  return null
}

function readWhole(file: string): Buffer | null {
  try {
    return fs.readFileSync(file)
  } catch {
    return null
  }
}
