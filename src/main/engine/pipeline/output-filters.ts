/**
 * Which of the output filters the workbench runs (DEFLATE, SUBSTITUTE) a request's contexts put
 * in its answers' way, and for which answers: core's `SetOutputFilter` for every answer, or
 * mod_filter's `AddOutputFilterByType` for the content types it names.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { Sourced, VhostSettings } from '../../../shared/config-model'
import { getHeader } from '../cache/header-bag'
import { otherOccurrences } from '../config/apache/settings'

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
 * `SetOutputFilter` decides; without one naming it, the `AddOutputFilterByType` lines naming it
 * of the innermost context that has some (mod_filter's merge overlays the filter of that name,
 * so a vhost's lines replace the server's).
 */
export function outputFilterOf(contexts: VhostSettings[], name: string): OutputFilter | null {
  let found: OutputFilter | null = null
  for (const c of contexts) {
    const set = c.other.SetOutputFilter
    if (!set) continue
    found = namesFilter(set.value.join(' '), name) ? { source: set, directive: 'SetOutputFilter', types: null } : null
  }
  if (found) return found
  let byType: OutputFilter | null = null
  for (const c of contexts) {
    const lines = otherOccurrences(c, 'AddOutputFilterByType').filter((d) => namesFilter(d.args[0], name))
    if (lines.length === 0) continue
    const source = { value: lines[0].args, pos: lines[0].pos }
    byType = { source, directive: 'AddOutputFilterByType', types: lines.flatMap((d) => d.args.slice(1)) }
  }
  return byType
}

/** A filter list (`DEFLATE`, `SUBSTITUTE;DEFLATE`) that names the filter (httpd looks names up caselessly). */
function namesFilter(list: string | undefined, name: string): boolean {
  return (list ?? '').split(/[;\s]+/).some((f) => f.toUpperCase() === name)
}

/** Whether the filter is in this answer's way: mod_filter matches r->content_type up to `;` or a space. */
export function filterApplies(filter: OutputFilter | null | undefined, headers: OutgoingHttpHeaders): boolean {
  if (!filter) return false
  if (filter.types === null) return true
  const type = getHeader(headers, 'content-type')
  if (type === undefined) return false
  const bare = type.slice(0, type.search(/[; \t]|$/))
  return filter.types.includes(bare)
}
