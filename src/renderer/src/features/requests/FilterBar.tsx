/** The filter input; problems in the query show under it without stopping the other terms. */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { useRequests } from '../../session-context'
import { FILTER_HINTS as HINTS } from '../../store/filter-hints'

export function FilterBar() {
  const query = useRequests((s) => s.query)
  const errors = useRequests((s) => s.filter.errors)
  const setQuery = useRequests((s) => s.setQuery)
  const [text, setText] = useState(query)
  const input = useRef<HTMLInputElement>(null)
  const hint = useFittingHint(input)

  // Typing stays instant; the 10,000-row filter runs once the user pauses.
  useEffect(() => {
    const t = setTimeout(() => setQuery(text), 120)
    return () => clearTimeout(t)
  }, [text, setQuery])

  return (
    <div className="filter-bar">
      <input
        ref={input}
        type="search"
        spellCheck={false}
        placeholder={hint}
        title={HINTS[0]}
        aria-label="Filter requests"
        value={text}
        onChange={(e) => setText(e.target.value)}
        className={errors.length > 0 ? 'has-error' : ''}
      />
      {errors.length > 0 && (
        <div className="filter-errors" role="status">
          {errors.join('; ')}
        </div>
      )}
    </div>
  )
}

/** The longest hint whose text fits inside the input (measured in its own font), again on every resize. */
function useFittingHint(ref: RefObject<HTMLInputElement | null>): string {
  const [hint, setHint] = useState(HINTS[0])
  useLayoutEffect(() => {
    const el = ref.current
    const ctx = document.createElement('canvas').getContext('2d')
    if (!el || !ctx) return
    const fit = (): void => {
      const css = getComputedStyle(el)
      ctx.font = css.font
      // The search input's clear button takes room at the end when it shows (only with text).
      const room = el.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) - 4
      setHint(HINTS.find((h) => ctx.measureText(h).width <= room) ?? HINTS[HINTS.length - 1])
    }
    fit()
    const observer = new ResizeObserver(fit)
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref])
  return hint
}
