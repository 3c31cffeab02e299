/**
 * Which render a request goes to first, and in what order the others follow when it fails
 * (dispatcher-behavior.md §6.1, DC "Render Selection"):
 *   1. a `renderid` cookie naming a render of the farm → that render (R1);
 *   2. else the render with the lowest estimate in the URI's `/statistics` category;
 *   3. else the first render.
 * The others follow by estimate when the URI has a category, else in list order.
 */
import { readRenderId } from './sticky'
import type { RenderStatistics } from './statistics'

export interface RenderChoice {
  /** Index into the farm's renders. */
  index: number
  by: 'sticky' | 'statistics' | 'first'
  /** For the trace: `sticky cookie renderid=rend02`, `lowest response-time estimate in category html`, `first render`. */
  reason: string
  category: string | null
  /** Estimates (ms) per render in the category, list order; `null` when statistics did not decide. */
  estimates: number[] | null
  /** Every render once, the chosen one first: the order attempts follow. */
  order: number[]
}

export interface SelectionInput {
  /** Render names (see `renderName`), in the farm's order. */
  names: readonly string[]
  /** The request's `Cookie` header. */
  cookieHeader?: string
  /** The request path (no query), matched against the category globs. */
  uri: string
  statistics?: RenderStatistics | null
}

/** The name a render goes by in `renderid`: its label, or its position for an unlabelled block. */
export function renderName(label: string, index: number): string {
  return label || String(index)
}

/** `null` when the farm has no renders. */
export function selectRender(input: SelectionInput): RenderChoice | null {
  const count = input.names.length
  if (count === 0) return null
  const stats = input.statistics && input.statistics.renderCount === count ? input.statistics : null
  const ranked = stats ? stats.rank(input.uri) : [...Array(count).keys()]

  const named = readRenderId(input.cookieHeader)
  const sticky = named === null ? -1 : input.names.indexOf(named)
  if (sticky >= 0) {
    return {
      index: sticky,
      by: 'sticky',
      reason: `sticky cookie renderid=${named}`,
      category: stats?.categoryOf(input.uri)?.label ?? null,
      estimates: null,
      order: [sticky, ...ranked.filter((i) => i !== sticky)]
    }
  }

  const pick = stats?.choose(input.uri)
  if (pick && pick.category !== null) {
    return {
      index: pick.index,
      by: 'statistics',
      reason: `lowest response-time estimate in category ${pick.category}`,
      category: pick.category,
      estimates: pick.estimates,
      order: [pick.index, ...ranked.filter((i) => i !== pick.index)]
    }
  }
  return { index: 0, by: 'first', reason: 'first render', category: null, estimates: null, order: ranked }
}
