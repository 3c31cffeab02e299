/** The filter input; problems in the query show under it without stopping the other terms. */
import { useEffect, useState } from 'react'
import { useRequests } from '../../session-context'

const HINT = 'Filter: status:404  outcome:blocked  farm:publishfarm  -ext:js  method:POST  duration:>100  text'

export function FilterBar() {
  const query = useRequests((s) => s.query)
  const errors = useRequests((s) => s.filter.errors)
  const setQuery = useRequests((s) => s.setQuery)
  const [text, setText] = useState(query)

  // Typing stays instant; the 10,000-row filter runs once the user pauses.
  useEffect(() => {
    const t = setTimeout(() => setQuery(text), 120)
    return () => clearTimeout(t)
  }, [text, setQuery])

  return (
    <div className="filter-bar">
      <input
        type="search"
        spellCheck={false}
        placeholder={HINT}
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
