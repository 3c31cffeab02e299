/**
 * A moment as the UI shows times: the viewer's local time, with the exact instant (ISO 8601,
 * UTC) as the tooltip and the element's `dateTime`, for comparing with logs from elsewhere.
 */
import { formatClock, formatDateTime } from '../store/format'

export function LocalTime({ at, withDate = false, className }: { at: number; withDate?: boolean; className?: string }) {
  const iso = new Date(at).toISOString()
  return (
    <time className={className} dateTime={iso} title={iso}>
      {withDate ? formatDateTime(at) : formatClock(at)}
    </time>
  )
}
