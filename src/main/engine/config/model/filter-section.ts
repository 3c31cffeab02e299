/** `/filter` (dispatcher-behavior.md §4.2). */
import { FILTER_ELEMENTS, type FilterElement, type FilterRule, type RuleType } from '../../../../shared/config-model'
import type { AnyItem, AnyString } from '../any/ast'
import { asWritten, type SectionReader } from './reader'

const ELEMENTS = new Set<string>(FILTER_ELEMENTS)

export function buildFilter(item: AnyItem, r: SectionReader, where: string): FilterRule[] {
  const block = r.expectBlock(item, `${where} (the /filter block)`)
  if (!block) return []
  const rules: FilterRule[] = []
  for (const child of block.items) {
    if (child.kind !== 'block') {
      if (child.kind === 'string') r.unknown(child, where)
      else {
        r.ruleWithoutBlock(child, 'filter rule')
      }
      continue
    }
    rules.push(buildRule(child.name ?? '', child.items, child.pos, r, where))
  }
  r.duplicateLabels(rules, where)
  return rules
}

function buildRule(
  label: string,
  items: AnyItem[],
  pos: FilterRule['pos'],
  r: SectionReader,
  where: string
): FilterRule {
  let type: RuleType | null = null
  let sawType = false
  const matchers: FilterRule['matchers'] = []
  for (const [i, p] of items.entries()) {
    const key = p.kind === 'string' ? null : p.name
    if (key === 'type') {
      sawType = true
      type = r.ruleType(p, label)
    } else if (key !== null && ELEMENTS.has(key) && p.kind === 'property') {
      matchers.push({ element: key as FilterElement, pattern: r.pattern(p.value) })
    } else if (p.kind === 'string') {
      // mattshurley's `/extension 'json' "*.cart.json"`: a stray string the module ignores (4.3.2 warns).
      r.sink.warn(
        'MODEL_STRAY_STRING',
        'model',
        `unlabeled string ${asWritten(p)} ignored in filter rule /${label}${missingQuote(p, items[i - 1])}`,
        p.pos
      )
    } else r.unknown(p, `${where} rule /${label}`)
  }
  if (!sawType)
    r.sink.warn('MODEL_RULE_WITHOUT_TYPE', 'model', `filter rule /${label} has no /type; it never matches`, pos)
  const hasGlob = matchers.some((m) => m.element === 'glob')
  if (hasGlob && matchers.length > 1) {
    r.sink.warn(
      'MODEL_GLOB_WITH_ELEMENTS',
      'model',
      `filter rule /${label} mixes /glob with element properties; the documentation allows one or the other`,
      pos
    )
  }
  if (matchers.length === 0 && sawType) {
    r.sink.warn(
      'MODEL_RULE_WITHOUT_MATCHER',
      'model',
      `filter rule /${label} has no /glob and no element property; it never matches`,
      pos
    )
  }
  return { label, type, matchers, pos }
}

/**
 * The shape a forgotten closing quote leaves: `/selectors "searchresults /path "/content/*" }`
 * reads as /selectors "searchresults /path " followed by a bare `/content/*"`. The value before
 * the stray string ends in a property name, and the stray string ends in the quote that was
 * meant to close it.
 */
function missingQuote(stray: AnyString, previous: AnyItem | undefined): string {
  if (stray.quote !== 'bare' || !/["']$/.test(stray.raw)) return ''
  if (previous?.kind !== 'property' || previous.value.quote === 'bare') return ''
  const m = /^(.*?)\s+(\/[A-Za-z_]+)\s*$/.exec(previous.value.raw)
  if (!m) return ''
  const q = previous.value.quote === 'double' ? '"' : "'"
  return (
    `: ${q}${m[1]} probably lacks its closing quote (${q}${m[1]}${q}), so /${previous.name} runs on to the next ` +
    `quote (${asWritten(previous.value)}) and ${m[2]} is not read as a property`
  )
}
