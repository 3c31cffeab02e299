/**
 * Saves the requests the log shows (after filtering) as a HAR file. Full traces are fetched
 * one by one (a few at a time) because the event stream only carries summaries.
 */
import type { RequestTrace } from '../../../../shared/trace'
import type { Session } from '../../store/session'
import { toHar } from '../../store/har'

const PARALLEL = 6

export async function exportHar(session: Session, progress: (done: number, all: number) => void): Promise<void> {
  const rows = session.requests.getState().visible
  const traces: (RequestTrace | null)[] = new Array(rows.length).fill(null)
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const i = next++
      const detail = await session.client.getTrace(rows[i].id).catch(() => null)
      traces[i] = detail?.trace ?? null
      if (++done % 50 === 0) progress(done, rows.length)
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  const har = toHar(
    traces.filter((t): t is RequestTrace => t !== null),
    __APP_VERSION__
  )
  const blob = new Blob([JSON.stringify(har, null, 2)], { type: 'application/json' })
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = `dispatcher-workbench-${new Date().toISOString().replace(/[:.]/g, '-')}.har`
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
}
