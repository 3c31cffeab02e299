import type { FilterElement, FilterRule, PatternSpec, RuleType } from '../../../src/shared/config-model'
import type { SourcePos } from '../../../src/shared/diagnostics'
import { compileFilter, evaluateFilter, type FilterRequest } from '../../../src/main/engine/pipeline/filter'
import type { FilterResult } from '../../../src/shared/trace-match'

export const FILE = '/virtual/filters.any'

export function at(line: number, column = 1): SourcePos {
  return { file: FILE, line, column }
}

/**
 * A filter rule written as in dispatcher.any, e.g.
 * `rule('0010', 'allow', `/path "/content/*" /extension '(html|json)'`)`: the quote decides glob or regex.
 */
export function rule(label: string, type: RuleType | null, properties: string, line = 1): FilterRule {
  const matchers: { element: FilterElement; pattern: PatternSpec }[] = []
  const re = /\/(\w+)\s+(?:"([^"]*)"|'([^']*)')/g
  for (const m of properties.matchAll(re)) {
    const kind = m[2] !== undefined ? 'glob' : 'regex'
    const source = m[2] ?? m[3]
    matchers.push({ element: m[1] as FilterElement, pattern: { kind, source, pos: at(line, m.index + 1) } })
  }
  return { label, type, matchers, pos: at(line) }
}

/** `GET /content/x.html?a=1` → a FilterRequest (the URL is taken as already normalised). */
export function request(line: string): FilterRequest {
  const [method, uri, protocol = 'HTTP/1.1'] = line.split(' ')
  const q = uri.indexOf('?')
  return {
    method,
    url: q < 0 ? uri : uri.slice(0, q),
    query: q < 0 ? null : uri.slice(q + 1),
    protocol
  }
}

export function run(rules: FilterRule[] | undefined, line: string): FilterResult {
  return evaluateFilter(compileFilter(rules), request(line))
}

/** Filter F of dispatcher-behavior.md §12. */
export function filterF(): FilterRule[] {
  return [
    rule('0001', 'deny', `/url "*"`, 2),
    rule('0010', 'allow', `/path "/content/*" /extension '(html|json|css|js|png)'`, 3),
    rule('0011', 'deny', `/selectors '(feed|rss|infinity|tidy|query|[0-9-]+)' /extension '(json|xml|html)'`, 4),
    rule('0012', 'allow', `/method "GET" /url "/etc.clientlibs/*"`, 5),
    rule('0013', 'deny', `/method "GET" /query "debug=*"`, 6),
    rule('0014', 'allow', `/method "POST" /url "/content/*.form.html"`, 7)
  ]
}
