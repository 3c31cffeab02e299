/**
 * `name.toLowerCase()` for header and variable names, remembered: the same few names are
 * lower-cased on every request, and a key string that was used before is found faster in an
 * object than a fresh copy of it.
 */
const lowered = new Map<string, string>()
const LIMIT = 10_000

export function lowerName(name: string): string {
  let lower = lowered.get(name)
  if (lower === undefined) {
    lower = name.toLowerCase()
    if (lowered.size >= LIMIT) lowered.clear()
    lowered.set(name, lower)
  }
  return lower
}
