/**
 * `name.toLowerCase()` / `toUpperCase()` for header and variable names, remembered: the same few
 * names are case-folded on every request, and a key string that was used before is found faster
 * in an object than a fresh copy of it.
 */
const LIMIT = 10_000

function remembered(fold: (name: string) => string): (name: string) => string {
  const folded = new Map<string, string>()
  return (name) => {
    let out = folded.get(name)
    if (out === undefined) {
      out = fold(name)
      if (folded.size >= LIMIT) folded.clear()
      folded.set(name, out)
    }
    return out
  }
}

export const lowerName = remembered((name) => name.toLowerCase())
export const upperName = remembered((name) => name.toUpperCase())
