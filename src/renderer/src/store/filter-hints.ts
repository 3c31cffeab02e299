/**
 * Example queries for the filter input, longest first: it shows the longest that fits its width
 * (beside an open request it has a third of the window), so the hint is never cut off mid-word;
 * the whole one is the tooltip.
 */
export const FILTER_HINTS: readonly string[] = [
  'Filter: status:404  outcome:blocked  farm:publishfarm  -ext:js  method:POST  duration:>100  text',
  'Filter: status:404  outcome:blocked  farm:publishfarm  text',
  'Filter: status:404  farm:publishfarm',
  'farm:publishfarm  status:404',
  'status:404  -ext:js',
  'Filter'
]
