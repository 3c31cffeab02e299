/**
 * mod_autoindex's handler (`handle_autoindex`) for a folder that mod_dir found no index for:
 * for GET (and HEAD), without `Options Indexes` it refuses (403, logged as AH01276); with it, it
 * lists the folder (autoindex-listing.ts): each entry looked up by its own subrequest (which the
 * access checks may refuse, hiding it), the header and readme files inserted, the page sent
 * through the output filters (mod_deflate, mod_headers, mod_expires) like any answer. Other
 * methods go on to the default handler.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OutgoingHttpHeaders } from 'node:http'
import type { ActiveVhost } from '../runtime/active-config'
import type { IndexSettings } from '../runtime/index-config'
import { shortPos } from '../../../shared/diagnostics'
import { OPT, IX } from '../config/apache/index-directives'
import { escapeUri } from '../apache-expr/uri-escape'
import { apacheETag, httpDate, mtimeMicros } from '../cache/serve-file'
import { moduleLoaded } from '../config/apache/modules'
import { requestFilename } from './apache-sections'
import type { RequestContext } from './context'
import { renderListing, type Dirent, type EntryFacts, type Insert } from './autoindex-listing'
import { finalHeaders, LENGTH_BY_FILTER } from './response-headers'
import { answer } from './stages/answer'
import { leavesDocroot, lookupSub, lookupUri, statOf, subrequestType, type SubLookup } from './subrequest'
import { dirIndexOf } from './mod-dir'
import { serverSignature } from './server-signature'
import { WRITE_BUFFER } from './write-buffer'

/** The answer for the folder, or null when mod_autoindex declines it (not a GET: the default handler's turn). */
export function autoindex(
  ctx: RequestContext,
  v: ActiveVhost,
  settings: IndexSettings,
  root: string,
  folder: string,
  st: fs.BigIntStats,
  indexNames: string | null,
  why: string
): true | Promise<true> | null {
  const method = ctx.req.method
  if (method !== 'GET' && method !== 'HEAD') return null
  const filename = requestFilename(ctx, v)
  if (!(settings.options.opts & OPT.INDEXES)) {
    const at = settings.where.options ? ` (Options at ${shortPos(settings.where.options)})` : ''
    ctx.record(
      'render',
      'stop',
      `${why}; mod_autoindex: ${folder} is a folder without an index, and Options does not include Indexes${at}: 403`,
      {
        source: settings.where.options,
        log: [
          `AH01276: Cannot serve directory ${filename}: No matching DirectoryIndex (${indexNames ?? 'none'}) found, and server-generated directory index forbidden by Options directive`
        ]
      }
    )
    ctx.setOutcome('blocked')
    return answer(ctx, 403)
  }
  let names: Buffer[]
  try {
    names = fs.readdirSync(folder, { encoding: 'buffer' })
  } catch {
    ctx.record('render', 'stop', `${why}; mod_autoindex cannot read the folder ${folder}: 403`, {
      log: [`AH01275: Can't open directory for index: ${filename}`]
    })
    ctx.setOutcome('blocked')
    return answer(ctx, 403)
  }
  const config = settings.autoindex
  const uri = ctx.apacheUri ?? ctx.decodedPath
  // handle_autoindex's kludge: the subrequests are made in the folder, so r->filename ends with '/'.
  const dirFilename = filename.endsWith('/') ? filename : `${filename}/`
  const headers: OutgoingHttpHeaders = {}
  const listing = renderListing({
    config,
    uri,
    filename: dirFilename,
    args: ctx.args(),
    dirents: direntsOf(root, folder, names),
    lookup: (d) => entryLookup(ctx, v, root, uri, dirFilename, d, config.opts),
    header: config.header === null ? null : insertOf(ctx, v, root, config.header, ctx.args()),
    readme: config.readme === null ? null : insertOf(ctx, v, root, config.readme, null),
    signature: serverSignature(ctx, settings)
  })
  headers['content-type'] = listing.contentType
  if (listing.opts & IX.TRACK_MODIFIED) {
    const mtime = Number(st.mtimeMs)
    const now = Date.now()
    headers['last-modified'] = httpDate(Math.min(mtime, now))
    headers.etag = apacheETag(Number(st.size), mtime, now, mtimeMicros(st))
  }
  const at = settings.where.indexOptions ? ` (IndexOptions at ${shortPos(settings.where.indexOptions)})` : ''
  const style =
    listing.opts & IX.TABLE_INDEXING
      ? 'an HTML table'
      : listing.opts & IX.FANCY_INDEXING
        ? 'fancy <pre> columns'
        : 'a plain list'
  ctx.record(
    'render',
    'stop',
    `${why}; mod_autoindex lists ${folder} (Options Indexes${settings.where.options ? ` at ${shortPos(settings.where.options)}` : ''}): ${listing.count} entries as ${style}${at}, sorted by ${KEYS[listing.key] ?? listing.key} ${listing.direction === 'D' ? 'descending' : 'ascending'}: 200`,
    { source: settings.where.options }
  )
  ctx.status = 200
  const body = Buffer.from(listing.body, 'latin1')
  const source = {
    fileMtime: Number(st.mtimeMs),
    requestMtime: listing.opts & IX.TRACK_MODIFIED ? Number(st.mtimeMs) : 0,
    filterLines: LENGTH_BY_FILTER
  }
  if (method === 'HEAD') {
    // r->header_only: mod_autoindex stops once the headers are set; mod_deflate sees an empty
    // answer ("Not compressing very small response") and adds nothing.
    ctx.outputFiltered = false
    ctx.reply.head(200, finalHeaders(ctx, 200, headers, false, source))
    ctx.reply.end()
    return true
  }
  if (!listing.streamed) headers['content-length'] = body.length
  const final = (): OutgoingHttpHeaders => finalHeaders(ctx, 200, headers, false, source)
  ctx.reply.head(200, listing.headerPass ? duringHeader(ctx, final) : final())
  ctx.trace.response.bytes = body.length
  if (ctx.mode === 'explain') {
    ctx.reply.end()
    return true
  }
  if (listing.streamed && body.length > WRITE_BUFFER) {
    // Passed on in more than one brigade: mod_deflate streams it, the client gets it chunked.
    ctx.reply.write(body.subarray(0, WRITE_BUFFER))
    ctx.reply.end(body.subarray(WRITE_BUFFER))
  } else if (listing.streamed) {
    ctx.reply.write(body)
    ctx.reply.end()
  } else ctx.reply.end(body)
  return true
}

/**
 * `f()` with the request headers as emit_head leaves them while it emits the header file:
 * without `Accept-Encoding`, with `Accept: text/html, text/plain`. The output filters that
 * decide on the answer's first pass (mod_deflate, mod_headers) see them so.
 */
function duringHeader<T>(ctx: RequestContext, f: () => T): T {
  const saved = ctx.headers
  const during: Record<string, string> = { ...saved, accept: 'text/html, text/plain' }
  delete during['accept-encoding']
  ctx.headers = during
  ctx.invalidateApacheRequest()
  try {
    return f()
  } finally {
    ctx.headers = saved
    ctx.invalidateApacheRequest()
  }
}

const KEYS: Record<string, string> = { N: 'name', M: 'date', S: 'size', D: 'description' }

/** The folder's names with their kinds, links followed (`apr_dir_read`, then apr_stat for a link). */
function direntsOf(root: string, folder: string, names: Buffer[]): Dirent[] {
  const out: Dirent[] = []
  for (const raw of names) {
    const name = raw.toString('latin1')
    const file = path.join(folder, raw.toString('utf8'))
    let lst: fs.Stats | undefined
    try {
      lst = fs.lstatSync(file)
    } catch {
      continue
    }
    let st: fs.Stats | fs.BigIntStats | undefined = lst
    if (lst.isSymbolicLink()) {
      // The workbench reads nothing outside the docroot: a link that leads out is left out.
      if (leavesDocroot(root, file)) continue
      st = statOf(file)
      if (!st) continue
    }
    out.push({ name, dir: st.isDirectory() })
  }
  return out
}

/** `ap_sub_req_lookup_dirent` for one entry, and what mod_autoindex keeps of it. */
function entryLookup(
  ctx: RequestContext,
  v: ActiveVhost,
  root: string,
  uri: string,
  dirFilename: string,
  d: Dirent,
  opts: number
): EntryFacts | null {
  // rnew->uri: the folder of r->uri, escaped again, and the name as it is.
  const subUri = escapeUri(uri.slice(0, uri.lastIndexOf('/') + 1)) + d.name + (d.dir ? '/' : '')
  let sub: SubLookup = lookupSub(ctx, v, root, subUri, dirFilename + d.name + (d.dir ? '/' : ''), null)
  const kind = sub.stat?.isDirectory() ? 'dir' : sub.stat?.isFile() ? 'file' : null
  if (!kind) return null
  let status = sub.status
  if (kind === 'dir' && status === 200 && moduleLoaded(ctx.config.loaded.apache?.modules, 'dir_module')) {
    // The subrequest's own fixups: mod_dir looks for the sub-folder's index, and takes it.
    const found = dirIndexOf(ctx, v, root, sub)
    if (found.kind === 'index') sub = found.sub
    else if (found.kind === 'redirect' || found.kind === 'error') status = found.status
  }
  const forbidden = status === 401 || status === 403
  if (!(status < 400 || (opts & IX.SHOW_FORBIDDEN && forbidden))) return null
  const st = sub.stat!
  const contentType = kind === 'file' ? subrequestType(sub) : 'httpd/unix-directory'
  return {
    filename: sub.filename,
    contentType,
    contentEncoding: null,
    size: Number(st.size),
    mtime: mtimeMicros(st),
    title: kind === 'file' ? () => titleOf(sub.file, contentType, status) : undefined
  }
}

/** `find_title`: the text after `<title>` in the first 8191 bytes of an HTML file, line breaks made spaces. */
function titleOf(file: string, contentType: string | null, status: number): string | null {
  if (status !== 200 || contentType === null) return null
  const type = contentType.split(';')[0].trim().toLowerCase()
  if (type !== 'text/html' && type !== 'application/xhtml+xml' && contentType !== 'text/x-server-parsed-html')
    return null
  let buf: Buffer
  try {
    const fd = fs.openSync(file, 'r')
    try {
      buf = Buffer.alloc(8191)
      buf = buf.subarray(0, fs.readSync(fd, buf, 0, 8191, 0))
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return null
  }
  if (buf.length === 0) return null
  let text = buf.toString('latin1')
  const nul = text.indexOf('\0')
  if (nul >= 0) text = text.slice(0, nul)
  const find = '<title>'
  let p = 0
  for (let x = 0; x < text.length; x++) {
    const c = text.charCodeAt(x)
    if (String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c) === find[p]) {
      if (++p === find.length) {
        let rest = text.slice(x + 1)
        const lt = rest.indexOf('<')
        if (lt >= 0) rest = rest.slice(0, lt)
        // Leading line breaks are skipped, the others become spaces.
        let start = 0
        let out = ''
        for (let y = 0; y < rest.length; y++) {
          const c = rest[y]
          if (c === '\r' || c === '\n') {
            if (y === start) start++
            else out += ' '
          } else if (y >= start) out += c
        }
        return out
      }
    } else p = 0
  }
  return null
}

/** `emit_head`/`emit_tail`'s look-up of the header or readme file: html as it is, other text in a `<pre>`. */
function insertOf(ctx: RequestContext, v: ActiveVhost, root: string, name: string, args: string | null): Insert | null {
  const found = lookupUri(ctx, v, root, name, args)
  if ('status' in found) return null
  const sub = found.sub
  if (sub.status !== 200 || !sub.stat?.isFile()) return null
  const type = subrequestType(sub)
  if (type === null) return null
  const bare = type.split(';')[0].trim().toLowerCase()
  let body: string
  try {
    body = fs.readFileSync(sub.file).toString('latin1')
  } catch {
    return null
  }
  if (bare === 'text/html' || bare === 'application/xhtml+xml') return { html: true, body }
  return bare.startsWith('text/') ? { html: false, body } : null
}
