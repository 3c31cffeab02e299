/**
 * A function of one string, remembered: for the compilers whose result depends on nothing but
 * the text they are given (a regular expression, an ap_expr, a rewrite template, a header or
 * variable name). A configuration holds the same few hundred such texts on every load and
 * reload, and a request asks for the same few names every time, so computing them once per
 * process is enough.
 *
 * The results are shared by every caller, so they must be treated as read-only (a RegExp is
 * shared only without the `g`/`y` flags, whose `lastIndex` would carry state between callers).
 * When the limit is reached the memo is emptied wholesale: a long session that edits its
 * configuration all day cannot grow it without bound, and refilling is cheap.
 */
export function textMemo<T>(compute: (text: string) => T, limit = 10_000): (text: string) => T {
  const known = new Map<string, T>()
  return (text) => {
    let out = known.get(text)
    if (out === undefined && !known.has(text)) {
      out = compute(text)
      if (known.size >= limit) known.clear()
      known.set(text, out)
    }
    return out as T
  }
}

/**
 * One string object per text, for the texts a trace keeps that are built afresh on every
 * request from the same few parts (a summary from a template, `X-Cache-Info`, a header value
 * read from the render's answer). The ring holds 10,000 traces, and every object each of them
 * keeps of its own is copied and marked by the garbage collector again and again: a string
 * built by concatenation is several objects until V8 flattens it. Traces that keep the shared
 * string keep nothing of their own for it.
 */
export function sharedText(text: string): string {
  // A long text is rarely the same twice (a cookie, a list of links) and would stay in the
  // memo long after the traces that kept it are gone.
  return text.length > SHARED_TEXT_MAX ? text : sharedShortText(text)
}

const SHARED_TEXT_MAX = 256
const sharedShortText = textMemo((text: string) => text)

/**
 * A header value (lower-case `name`) as a shared string, except a cookie's: each cookie is new,
 * and a session's would outlive its trace in the memo.
 */
export function sharedHeaderValue(name: string, value: string): string {
  return name === 'set-cookie' ? value : sharedText(value)
}
