/**
 * The requests a re-fetching flush makes (dispatcher-behavior.md §7.4): each listed page is
 * fetched from a render and stored over the copy in the cache, whatever state that copy is in,
 * so visitors keep getting the old copy until the new one is in place (the module replaces the
 * file "instead of deleting it", EXP refetching-flush). Marked by their request object, so that
 * nothing is added to what the render is sent.
 */
const marked = new WeakSet<object>()

export function markAsRefetch(req: object): void {
  marked.add(req)
}

export function isRefetch(req: object): boolean {
  return marked.has(req)
}
