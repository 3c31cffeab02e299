/**
 * `\Q…\E` quoting, undone before a pattern is read: pcre2_compile's parse_regex reads each
 * quoted character as a literal (outside a class and in one, where `[a-\Qz\E]` is the range a
 * to z but a quoted `-` is no range), and skips a `\E` that closes nothing. Each quoted
 * character becomes itself (a letter or digit) or itself escaped, which every reader takes as
 * that one literal character, so `\Qab\E+` repeats the b only, as in PCRE.
 */
export function expandQuotes(pattern: string): string {
  if (!pattern.includes('\\Q') && !pattern.includes('\\E')) return pattern
  let out = ''
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]
    // A comment, and a verb's name, end at the first `)`, whatever they hold (a `\Q` in them quotes nothing).
    if (pattern.startsWith('(?#', i) || /^\(\*[A-Z_:]/.test(pattern.slice(i, i + 3))) {
      const end = pattern.indexOf(')', i)
      const stop = end < 0 ? pattern.length : end + 1
      out += pattern.slice(i, stop)
      i = stop
      continue
    }
    if (c !== '\\') {
      out += c
      i++
      continue
    }
    const n = pattern[i + 1]
    if (n === 'Q') {
      const end = pattern.indexOf('\\E', i + 2)
      const text = end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end)
      for (const q of text) out += /[A-Za-z0-9]/.test(q) ? q : `\\${q}`
      i = end < 0 ? pattern.length : end + 2
      continue
    }
    if (n === 'E') {
      i += 2
      continue
    }
    // `\cX` takes any next character, a backslash too.
    const width = n === 'c' ? 3 : 2
    out += pattern.slice(i, i + width)
    i += width
  }
  return out
}
