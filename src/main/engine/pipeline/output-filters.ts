/**
 * Which of the output filters the workbench runs (DEFLATE, SUBSTITUTE) a request's contexts put
 * in its answers' way, and for which answers: core's `SetOutputFilter` for every answer, or
 * mod_filter's `AddOutputFilterByType` for the content types it names.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { Sourced, VhostSettings } from '../../../shared/config-model'
import { getHeader } from '../cache/header-bag'
import { otherOccurrences } from '../config/apache/settings'
import { apacheSections } from './apache-sections'
import type { RequestContext } from './context'

/** What puts a filter in an answer's way. */
export interface OutputFilter {
  /** The directive as written, for the trace. */
  source: Sourced<string[]>
  directive: 'SetOutputFilter' | 'AddOutputFilterByType'
  /** AddOutputFilterByType's content types (mod_filter compares them case-sensitively); null: every answer. */
  types: readonly string[] | null
}

/**
 * The filter `name` (upper case) these contexts put in, else null: the innermost
 * `SetOutputFilter` decides; without one naming it, the `AddOutputFilterByType` lines naming it.
 */
export function outputFilterOf(contexts: VhostSettings[], name: string): OutputFilter | null {
  return setOutputFilterOf(contexts, name) ?? byTypeFilterOf(contexts, name)
}

/** The innermost `SetOutputFilter`, when its list names the filter. */
export function setOutputFilterOf(contexts: VhostSettings[], name: string): OutputFilter | null {
  let found: OutputFilter | null = null
  for (const c of contexts) {
    const set = c.other.SetOutputFilter
    if (!set) continue
    found = namesFilter(set.value[0], name) ? { source: set, directive: 'SetOutputFilter', types: null } : null
  }
  return found
}

/**
 * The `AddOutputFilterByType` lines naming the filter, of the innermost context that has some
 * (mod_filter's merge overlays the filter of that name, so a vhost's lines replace the
 * server's). mod_filter puts its own instance in, beside any `SetOutputFilter` put in.
 */
export function byTypeFilterOf(contexts: VhostSettings[], name: string): OutputFilter | null {
  let byType: OutputFilter | null = null
  for (const c of contexts) {
    const lines = otherOccurrences(c, 'AddOutputFilterByType').filter((d) => namesFilter(d.args[0], name))
    if (lines.length === 0) continue
    const source = { value: lines[0].args, pos: lines[0].pos }
    byType = { source, directive: 'AddOutputFilterByType', types: lines.flatMap((d) => d.args.slice(1)) }
  }
  return byType
}

/**
 * The filter names of a list (`SUBSTITUTE;DEFLATE`) in upper case: httpd splits it at each `;`
 * only (ap_getword), and looks the names up caselessly, so `A,B` or ` B` name no known filter.
 */
export function filterNames(list: string | undefined): string[] {
  return (list ?? '').split(';').map((f) => f.toUpperCase())
}

function namesFilter(list: string | undefined, name: string): boolean {
  return filterNames(list).includes(name)
}

/**
 * Whether the filter is in this answer's way: mod_filter matches r->content_type up to `;` or a
 * space, and its harness passes anything but a 200 on untouched unless `filter-errordocs` is set
 * (a 404 a backend sent keeps its body and length; checked against apache2 2.4.68). What
 * `SetOutputFilter` puts in runs whatever the status.
 */
export function filterApplies(
  filter: OutputFilter | null | undefined,
  status: number,
  headers: OutgoingHttpHeaders,
  env: Readonly<Record<string, string>>
): boolean {
  if (!filter) return false
  if (filter.types === null) return true
  if (status !== 200 && env['filter-errordocs'] === undefined) return false
  const type = getHeader(headers, 'content-type')
  if (type === undefined) return false
  const bare = type.slice(0, type.search(/[; \t]|$/))
  return filter.types.includes(bare)
}

/**
 * r->status as the output filters see it: an ErrorDocument's page goes out under the error it
 * answers for, unless mod_rewrite redirected its request or answered with a status of its own,
 * or mod_proxy relayed it (mod_proxy_http sets r->status to the backend's).
 */
export function statusFiltersSee(ctx: RequestContext, status: number): number {
  return answersForError(ctx) ? ctx.errorDocumentStatus! : status
}

/** An ErrorDocument's page whose `r->status` is still the error's (see statusFiltersSee). */
export function answersForError(ctx: RequestContext): boolean {
  return ctx.errorDocumentStatus !== undefined && !ctx.rewriteRedirect && !ctx.rewriteStatus && !ctx.statusFromBackend
}

/**
 * The instances of mod_substitute's filter in this answer's way (none, one, or two when both
 * `SetOutputFilter` and `AddOutputFilterByType` put it in), for the handler's answer `status`.
 */
export function substituteInstances(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): OutputFilter[] {
  if (!ctx.outputFiltered || ctx.vhost?.apache.scoped.hasSubstitute !== true) return []
  const setup = apacheSections(ctx)?.substitute
  if (!setup) return []
  const seen = statusFiltersSee(ctx, status)
  return setup.filters.filter((f) => filterApplies(f, seen, headers, ctx.env))
}
