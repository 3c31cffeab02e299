/**
 * Apache's own default handler: a request the Dispatcher does not handle (no
 * `SetHandler dispatcher-handler` for it, `DispatcherDeclineRoot`, a cache hit the module
 * declined) is answered from the vhost's DocumentRoot like any static file — Content-Type
 * from Apache's mime.types, validators, conditional requests and ranges.
 */
import fs from 'node:fs'
import path from 'node:path'
import { staticResponse } from '../cache/serve-file'
import type { RequestContext } from './context'
import { finalHeaders } from './response-headers'
import { pipeFile } from './serve-cached'
import { fileAnswer } from './deflate'
import { answer } from './stages/answer'

export function serveStatic(ctx: RequestContext, docroot: string | undefined, why: string): boolean | Promise<boolean> {
  ctx.setOutcome('static')
  if (!docroot) {
    ctx.record('render', 'stop', `${why}; the vhost has no DocumentRoot: 404`)
    return answer(ctx, 404)
  }
  const root = path.resolve(docroot)
  let file = path.resolve(root, '.' + ctx.decodedPath)
  if (file !== root && !file.startsWith(root + path.sep)) {
    ctx.record('render', 'stop', `${why}; the path leaves the DocumentRoot: 404`)
    return answer(ctx, 404)
  }
  let st = fs.statSync(file, { throwIfNoEntry: false })
  if (st?.isDirectory()) {
    // mod_dir's DirectoryIndex (index.html by default).
    const index = path.join(file, 'index.html')
    const ist = fs.statSync(index, { throwIfNoEntry: false })
    if (ist?.isFile()) {
      file = index
      st = ist
    }
  }
  if (!st || !st.isFile()) {
    ctx.record('render', 'stop', `${why}; Apache serves ${file} from the DocumentRoot: not found, 404`)
    return answer(ctx, 404)
  }
  const facts = { relPath: path.relative(root, file), size: st.size, mtime: st.mtimeMs }
  const now = Date.now()
  const res = fileAnswer(ctx, (headers) => staticResponse(facts, { method: ctx.req.method, headers }, [], { now }))
  ctx.record('render', 'stop', `${why}; Apache serves ${file} itself: ${res.status}`)
  ctx.status = res.status
  ctx.reply.head(res.status, finalHeaders(ctx, res.status, res.headers, false, { fileMtime: st.mtimeMs }))
  if (res.body === 'none' || ctx.req.method === 'HEAD' || ctx.mode === 'explain') {
    ctx.reply.end()
    return true
  }
  const range = res.body === 'range' && res.range ? { start: res.range.start, end: res.range.end } : {}
  return pipeFile(ctx, fs.createReadStream(file, range))
}
