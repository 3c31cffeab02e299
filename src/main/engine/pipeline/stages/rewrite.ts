/**
 * rewrite: what Apache does before the Dispatcher handler runs (dispatcher-behavior.md §3.2):
 * SetEnvIf (post-read-request), mod_rewrite in the vhost (translate-name), RequestHeader
 * (fixups). The Dispatcher sees a rewritten URL only with `DispatcherUseProcessedURL On`
 * and a `[PT]` rule (only `[PT]` changes `r->uri`, §2, §3.1).
 */
import { applyRequestHeaders, applySetEnv } from '../headers'
import { applyRewrites } from '../rewrite'
import type { RequestContext } from '../context'
import { answer, redirect } from './answer'

export function rewrite(ctx: RequestContext): boolean | Promise<boolean> {
  const v = ctx.vhost
  if (!v) return false
  const a = v.apache
  if (a.setEnv) {
    const r = applySetEnv(a.setEnv, ctx.apacheRequest(), ctx.env, { fs: v.probe })
    ctx.env = r.env
    ctx.vary.push(...r.vary)
  }
  if (a.rewrite) {
    const out = applyRewrites(a.rewrite.compiled, ctx.apacheRequest(), {
      scope: 'vhost',
      maps: a.rewrite.maps,
      env: ctx.env,
      fs: v.probe,
      isThisServer: (host) => v.names.some((n) => n.toLowerCase() === host.toLowerCase())
    })
    ctx.env = out.env
    ctx.cookies.push(...out.cookies)
    ctx.vary.push(...out.vary)
    const t = out.trace
    const lastRule = [...t.rules].reverse().find((r) => r.verdict !== 'no-match')
    const source = out.action === 'none' ? undefined : lastRule?.pos
    if (out.action === 'status') {
      ctx.record('rewrite', 'stop', t.summary, { detail: t, log: t.log, source })
      ctx.setOutcome('blocked')
      return answer(ctx, out.status ?? 403)
    }
    if (out.action === 'redirect') {
      ctx.record('rewrite', 'stop', t.summary, { detail: t, log: t.log, source })
      ctx.setOutcome('redirect')
      return redirect(ctx, out.status ?? 302, out.location ?? '/')
    }
    if (out.action === 'proxy') {
      // [P] hands the request to mod_proxy: it goes straight to that URL, bypassing the Dispatcher.
      ctx.proxyTo = out.proxyTo
    }
    const processed = ctx.vhost?.dispatcher.useProcessedURL ?? false
    const changed = out.passThrough && out.uri !== ctx.decodedPath
    const queryChanged = (out.query || null) !== ctx.query
    if (processed && (changed || queryChanged)) {
      if (changed) {
        ctx.path = out.uri
        ctx.decodedPath = out.uri
      }
      ctx.query = out.query === '' ? null : out.query
      ctx.invalidateApacheRequest()
      ctx.record('rewrite', 'changed', t.summary, { detail: t, log: t.log, source })
    } else {
      const note =
        (changed || queryChanged) && !processed
          ? `${t.summary} (the Dispatcher keeps the original URL: DispatcherUseProcessedURL is off)`
          : out.action !== 'none' && !out.passThrough && out.action !== 'proxy'
            ? `${t.summary} (without [PT] only r->filename changes; the Dispatcher keeps the URL)`
            : t.summary
      ctx.record('rewrite', out.action === 'none' ? 'pass' : 'changed', note, { detail: t, log: t.log, source })
    }
  }
  if (a.requestHeaders) {
    const r = applyRequestHeaders(a.requestHeaders, ctx.apacheRequest(), ctx.env, { fs: v.probe })
    ctx.headers = r.headers
    ctx.vary.push(...r.vary)
    ctx.invalidateApacheRequest()
  }
  return false
}
