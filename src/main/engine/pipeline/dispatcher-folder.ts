/**
 * mod_dir's fixup for a request the Dispatcher's handler takes. httpd runs `dir_fixups` for
 * every request whose file is a folder, whatever the handler: `SetHandler dispatcher-handler`
 * does not stop it. So where the cache docroot holds a folder for the URL (a page with
 * children cached, `/content/dam/…`, or `/a.html/` once `/a.html/b.json` was cached), a URL
 * without its trailing slash is redirected (301) unless `DirectorySlash Off` — the classic AMS
 * vhosts leave it on, the AEMaaCS `default.vhost` turns it off for exactly this reason — and a
 * URL with it is answered by the folder's `DirectoryIndex` file when the cache holds one (unless
 * `DirectoryCheckHandler On`, which leaves non-folder handlers alone). The Dispatcher then
 * handles that index as if it had been asked for it: its filters, its cache entry
 * (`DispatcherUseProcessedURL On`), or the original URL when the module reads that.
 */
import { shortPos } from '../../../shared/diagnostics'
import type { ActiveVhost } from '../runtime/active-config'
import { requestFile } from './apache-static'
import { sectionWalkInput } from './apache-sections'
import type { RequestContext } from './context'
import { dirFixup, fixupAnswer } from './mod-dir'
import { canonicalRewrittenPath } from './normalise-url'
import { isFolder } from '../cache/folder-checks'
import { leavesDocroot, takeSubrequest } from './subrequest'
import { proxyTo } from './apache-proxy'

/** Before the Dispatcher's stages: mod_dir's answer for a folder, or false when the request goes on. */
export function folderFixup(ctx: RequestContext, v: ActiveVhost): boolean | Promise<boolean> {
  const root = v.docrootAbs
  if (root === undefined || !v.modDir) return false
  const file = requestFile(ctx, root)
  if (file === null) return false
  if (!isFolder(file)) {
    // A replay of this decision must look again: the folder may appear as the cache fills.
    if (ctx.inputWatch) ctx.inputWatch.notFolder = file
    return false
  }
  // What follows reads the folder's contents (its index): not a decision to replay.
  if (ctx.inputWatch) ctx.inputWatch.dynamic = true
  if (leavesDocroot(root, file)) return false
  const settings = v.apache.scoped.indexAt(sectionWalkInput(ctx, v))
  const uri = ctx.apacheUri ?? ctx.decodedPath
  if (uri.endsWith('/') && settings.dir.checkHandler === 'on') {
    const source = settings.where.checkHandler
    ctx.record(
      'rewrite',
      'pass',
      `mod_dir: ${file} is a folder, but DirectoryCheckHandler On${source ? ` (${shortPos(source)})` : ''} leaves it to the dispatcher-handler: no index lookup`,
      { source }
    )
    return false
  }
  const fixup = dirFixup(ctx, v, settings, root, file, 'rewrite')
  const answered = fixupAnswer(ctx, fixup)
  if (answered) return answered
  if (fixup.kind !== 'index') return false
  // ap_internal_fast_redirect: r->uri, r->filename and r->args become the index subrequest's.
  const sub = fixup.sub
  if (v.dispatcher.useProcessedURL) {
    const canonical = canonicalRewrittenPath(sub.uri, v.encodedSlashes)
    ctx.path = canonical?.path ?? sub.uri
    ctx.decodedPath = canonical?.decodedPath ?? sub.uri
  } else ctx.apacheUri = sub.uri
  const proxied = takeSubrequest(ctx, sub)
  if (proxied) return proxyTo(ctx, (ctx.proxyTo = proxied), `a RewriteRule with [P] in the subrequest for ${sub.uri}`)
  return false
}
