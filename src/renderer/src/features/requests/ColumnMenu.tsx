/** Which columns the log shows. */
import { useState } from 'react'
import { COLUMNS, columnsStore } from '../../store/columns'
import { useHiddenColumns } from './use-hidden-columns'

export function ColumnMenu() {
  const hidden = useHiddenColumns()
  const [open, setOpen] = useState(false)
  return (
    <div className="menu-anchor">
      <button
        className="icon-button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-label="Columns"
        title="Choose columns"
      >
        Columns ▾
      </button>
      {open && (
        <div className="menu" role="menu" onMouseLeave={() => setOpen(false)}>
          {COLUMNS.filter((c) => !c.fixed).map((c) => (
            <label key={c.id} className="menu-item">
              <input
                type="checkbox"
                checked={!hidden.includes(c.id)}
                onChange={() => columnsStore.getState().toggle(c.id, hidden)}
              />
              {c.label}
            </label>
          ))}
        </div>
      )}
    </div>
  )
}
