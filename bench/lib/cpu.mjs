// CPU pinning for a 2-core machine: the load generator (wrk) gets CPU 1 to itself, and every
// server side process (the proxy under test and the upstream behind it) shares CPU 0. Each
// proxy is therefore charged for the CPU it takes from the upstream, and wrk never competes
// with what it measures. Pinning is skipped when `taskset` is missing, on a single core, or
// when BENCH_NO_PIN=1.
import { execFileSync } from 'node:child_process'
import os from 'node:os'

export const SERVER_CPU = 0
export const LOAD_CPU = 1

let available
function pinningAvailable() {
  if (available === undefined) {
    available = false
    if (process.env.BENCH_NO_PIN !== '1' && os.availableParallelism() >= 2) {
      try {
        execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
        available = true
      } catch {
        available = false
      }
    }
  }
  return available
}

/** `[cmd, args]` that runs `cmd args` on the given CPU when pinning is available. */
export function pinned(cpu, cmd, args) {
  return pinningAvailable() ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]
}

export function describePinning() {
  return pinningAvailable()
    ? `wrk on CPU ${LOAD_CPU}, servers on CPU ${SERVER_CPU} (taskset)`
    : 'no CPU pinning (taskset missing, one core, or BENCH_NO_PIN=1)'
}

/** A warning line when the machine is already busy (1-minute load average ≥ 1), else null. */
export function busyWarning() {
  const load = os.loadavg()[0]
  return load >= 1
    ? `note: the 1-minute load average is ${load.toFixed(2)} before starting; other work on this machine makes the figures noisy`
    : null
}
