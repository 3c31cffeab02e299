/**
 * core's translate_name (core_translate_root), where nothing translated the URI before it (a
 * rewrite to a file path, mod_proxy): the file name is the DocumentRoot joined with r->uri by
 * apr_filepath_merge, which refuses a result longer than the system's PATH_MAX
 * (APR_ENAMETOOLONG), and core answers 403. Only `<Location>` and `<If>` sections have been
 * merged then.
 */
import type { RequestContext } from '../context'
import { proxiedByApache } from './handler'
import { answer } from './answer'

/** APR_PATH_MAX on Linux; apr_filepath_merge counts 4 bytes for slashes and the NUL. */
const PATH_MAX = 4096
const MERGE_EXTRA = 4

export function coreTranslate(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v || v.docroot === undefined || ctx.apacheFilename !== undefined) return false
  // r->uri holds bytes here, as the docroot is compared in bytes (apache-sections.ts); core
  // skips its leading slashes before the merge.
  const uri = ctx.apacheUri ?? ctx.decodedPath
  const merged = Buffer.byteLength(v.docroot) + uri.length - leadingSlashes(uri) + MERGE_EXTRA
  if (merged <= PATH_MAX || proxiedByApache(ctx, v)) return false
  ctx.record('rewrite', 'stop', 'the path is longer than the file system allows once joined with the DocumentRoot', {
    log: [`core translate: apr_filepath_merge("${v.docroot}", r->uri) failed: File name too long`]
  })
  ctx.sectionsPhase = 'translate'
  ctx.setOutcome('blocked')
  ctx.outputFiltered = false
  return answer(ctx, 403)
}

function leadingSlashes(uri: string): number {
  let n = 0
  while (uri.charCodeAt(n) === 0x2f) n++
  return n
}
