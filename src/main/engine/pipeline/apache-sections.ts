/**
 * The vhost's per-request Apache configuration for this request (runtime/scoped-apache.ts):
 * the sections walked with httpd's `r->uri` and `r->filename` as mod_rewrite left them, in the
 * phase the request reached (`ctx.sectionsPhase`, or the one asked for), once per request for
 * each such state.
 */
import type { ActiveVhost } from '../runtime/active-config'
import type { ResolvedApache, SectionsPhase } from '../runtime/scoped-apache'
import { directoryWalk, type SectionWalkInput } from '../runtime/sections'
import type { RequestContext } from './context'
import type { ApacheRequest } from '../apache-expr'
import { toByteString } from '../apache-expr/uri-escape'

export function apacheSections(ctx: RequestContext, phase: SectionsPhase = ctx.sectionsPhase): ResolvedApache | null {
  const v = ctx.vhost
  if (!v) return null
  const scoped = v.apache.scoped
  const constant = scoped.constantOf(phase)
  // It holds for filenames under the docroot: always, unless mod_rewrite set a file path.
  if (constant && ctx.apacheFilename === undefined) return constant
  const uri = apacheUri(ctx)
  const filename = apacheFilename(ctx, v, uri)
  const known = ctx.resolvedApache
  if (known && known.phase === phase && known.uri === uri && known.filename === filename) return known.value
  const value = scoped.resolve(walkInput(ctx, v, uri, filename), phase)
  ctx.resolvedApache = { phase, uri, filename, value }
  return value
}

/** httpd's `r->filename` as the request stands (what `%{REQUEST_FILENAME}` reads). */
export function requestFilename(ctx: RequestContext, v: ActiveVhost): string {
  return apacheFilename(ctx, v, apacheUri(ctx))
}

/**
 * What a section walk reads of a subrequest of this request: its own `r->uri`, `r->args` and
 * `r->filename` (what `<If>` and `Require expr` read as `%{REQUEST_URI}`, `%{QUERY_STRING}`, …).
 */
export function subrequestWalkInput(
  ctx: RequestContext,
  v: ActiveVhost,
  uri: string,
  filename: string,
  args: string | null = null
): SectionWalkInput {
  return walkInput(ctx, v, uri, filename, { uri, query: args ?? '', subrequest: true })
}

/** What a section walk reads of the request as it stands. */
export function sectionWalkInput(ctx: RequestContext, v: ActiveVhost): SectionWalkInput {
  const uri = apacheUri(ctx)
  return walkInput(ctx, v, uri, apacheFilename(ctx, v, uri))
}

/** httpd's `r->uri`, decoded: the Dispatcher's path unless mod_rewrite left httpd a different one. */
function apacheUri(ctx: RequestContext): string {
  return ctx.apacheUri ?? ctx.decodedPath
}

/** httpd's `r->filename`: the docroot joined with the URI, unless a rewrite to a file path set it. */
function apacheFilename(ctx: RequestContext, v: ActiveVhost, uri: string): string {
  if (ctx.apacheFilename !== undefined) return ctx.apacheFilename
  let base = docrootBases.get(v)
  // As bytes, like the URI it is joined with (httpd's r->filename).
  if (base === undefined) docrootBases.set(v, (base = toByteString((v.docroot ?? '').replace(/\/+$/, ''))))
  return base + uri
}

/** Each vhost's DocumentRoot without its trailing slashes, worked out once. */
const docrootBases = new WeakMap<ActiveVhost, string>()

/** `own`: what a subrequest has of its own (its URI and query), over the request's. */
function walkInput(
  ctx: RequestContext,
  v: ActiveVhost,
  uri: string,
  filename: string,
  own?: Pick<ApacheRequest, 'uri' | 'query' | 'subrequest'>
): SectionWalkInput {
  // r->filename and r->path_info as the directory walk leaves them, worked out (stat by stat)
  // only when an expression reads them, once for every <If> of the walk.
  let walked: { filename: string; pathInfo: string } | undefined
  const walk = (): { filename: string; pathInfo: string } =>
    (walked ??= directoryWalk({ filename, probe: v.probe }, v.docroot))
  return {
    uri,
    filename,
    probe: v.probe,
    exprContext: () => ({
      req: own ? { ...ctx.apacheRequest(), ...own } : ctx.apacheRequest(),
      env: ctx.env,
      osEnv: ctx.config.loaded.environment,
      fs: v.probe,
      now: ctx.requestDate(),
      get filename() {
        return walk().filename
      },
      get pathInfo() {
        return walk().pathInfo
      }
    })
  }
}
