/** The log's hidden columns: the user's choice, else the defaults for the loaded configuration. */
import { useMemo } from 'react'
import { columnsStore, defaultHidden, type ColumnId } from '../../store/columns'
import { configStore } from '../../store/panels'
import { useVanilla } from '../../session-context'

export function useHiddenColumns(): readonly ColumnId[] {
  const chosen = useVanilla(columnsStore, (s) => s.chosen)
  const farms = useVanilla(configStore, (s) => s.status?.farms)
  return useMemo(() => chosen ?? defaultHidden(farms), [chosen, farms])
}
