/**
 * core's `ServerSignature` (`ap_psignature`): the line httpd writes under the pages it makes
 * itself — error and redirect pages (after an `<hr>`), mod_autoindex's listings — naming the
 * server banner, the server name and port; with `EMail`, the name links to `ServerAdmin`.
 * Off (the default) writes nothing.
 */
import type { ActiveVhost } from '../runtime/active-config'
import { allContexts } from '../runtime/contexts'
import type { IndexSettings } from '../runtime/index-config'
import { escapeHtml } from './apache-errors'
import { sectionWalkInput } from './apache-sections'
import type { RequestContext } from './context'

/** `ap_psignature("", r)`; `settings`: the request's merged per-directory settings, when known. */
export function serverSignature(ctx: RequestContext, settings?: IndexSettings): string {
  const v = ctx.vhost
  // Most configurations never turn it on (the default is Off): their error pages walk no sections for it.
  if (!v || (settings === undefined && !signsAnywhere(v))) return ''
  const sig = (settings ?? v.apache.scoped.indexAt(sectionWalkInput(ctx, v))).signature
  if (sig !== 'on' && sig !== 'email') return ''
  const req = ctx.apacheRequest()
  const host = escapeHtml(req.serverName)
  const banner = ctx.config.serverBanner
  if (sig === 'email') {
    const admin = v.serverAdmin
    const mailto = /^[a-z][a-z0-9+.-]*:/i.test(admin) ? '' : 'mailto:'
    return `<address>${banner} Server at <a href="${mailto}${escapeHtml(admin)}">${host}</a> Port ${req.serverPort}</address>\n`
  }
  return `<address>${banner} Server at ${host} Port ${req.serverPort}</address>\n`
}

/** A page of ap_send_error_response's with `ap_psignature("<hr>\n", r)` before its closing tags. */
export function signedPage(ctx: RequestContext, page: string): string {
  const sig = serverSignature(ctx)
  if (sig === '') return page
  const end = page.lastIndexOf('</body></html>')
  return end < 0 ? page : `${page.slice(0, end)}<hr>\n${sig}${page.slice(end)}`
}

const signing = new WeakMap<ActiveVhost, boolean>()

/** Whether any context of the vhost turns ServerSignature on (worked out once per vhost). */
function signsAnywhere(v: ActiveVhost): boolean {
  let on = signing.get(v)
  if (on === undefined) {
    on = allContexts(v.layers).some((c) => {
      const word = c.other.ServerSignature?.value[0]?.toLowerCase()
      return word === 'on' || word === 'email'
    })
    signing.set(v, on)
  }
  return on
}
