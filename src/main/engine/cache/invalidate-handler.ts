/**
 * `/invalidateHandler` (dispatcher-behavior.md §5.1, §7.3 step 5): the configured program runs
 * once per invalidation with the arguments handle, action and action scope. It is started
 * directly (execFile, no shell), so nothing in a handle can be read as shell syntax.
 */
import { execFile } from 'node:child_process'

export interface HandlerResult {
  program: string
  /** `null` when the program could not be started or was killed. */
  exitCode: number | null
  error?: string
}

export function runInvalidateHandler(
  program: string,
  args: readonly string[],
  timeoutMs = 30_000
): Promise<HandlerResult> {
  return new Promise((resolve) => {
    execFile(program, [...args], { timeout: timeoutMs, windowsHide: true }, (err) => {
      if (!err) return resolve({ program, exitCode: 0 })
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean }
      if (typeof e.code === 'number') return resolve({ program, exitCode: e.code })
      resolve({ program, exitCode: null, error: e.killed ? `killed after ${timeoutMs} ms` : e.message })
    })
  })
}
