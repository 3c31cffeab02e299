// Runs Debian's wrk (pinned to the load CPU) and parses what it prints with --latency.
import { LOAD_CPU, pinned } from './cpu.mjs'
import { runCommand } from './processes.mjs'

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

function toMs(value, unit) {
  const factor = UNIT_MS[unit]
  if (factor === undefined) throw new Error(`wrk printed an unknown time unit: ${value}${unit}`)
  // Rounded to the nanosecond, so 288.00us is 0.288 and not 0.28800000000000003.
  return Math.round(Number(value) * factor * 1e6) / 1e6
}

/**
 * `{ requestsPerSec, requests, latencyMs: { p50, p75, p90, p99 }, non2xx, socketErrors }` from
 * wrk's output.
 */
export function parseWrkOutput(text) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text)
  if (!rps) throw new Error(`wrk printed no Requests/sec line:\n${text}`)
  const latencyMs = {}
  for (const m of text.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$/gm)) {
    latencyMs[`p${m[1]}`] = toMs(m[2], m[3])
  }
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  return {
    requestsPerSec: Number(rps[1]),
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? 0),
    latencyMs,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  }
}

/**
 * Loads `url` + `path` for `durationSec` seconds with `connections` keep-alive connections
 * over `threads` wrk threads (1 fits the single load CPU). Bounded: wrk is killed if it runs
 * 20 s past its duration.
 */
export async function runWrk({ url, path = '/', connections = 1, threads = 1, durationSec = 5, timeoutSec = 2 }) {
  const target = new URL(path, url).href
  const [cmd, args] = pinned(LOAD_CPU, 'wrk', [
    '--latency',
    '-t',
    String(Math.min(threads, connections)),
    '-c',
    String(connections),
    '-d',
    `${durationSec}s`,
    '--timeout',
    `${timeoutSec}s`,
    target
  ])
  const run = await runCommand(cmd, args, { timeoutMs: (durationSec + 20) * 1000 })
  if (run.code !== 0) throw new Error(`wrk failed (${run.signal ?? 'code ' + run.code}): ${run.stderr || run.stdout}`)
  return { target, connections, durationSec, ...parseWrkOutput(run.stdout) }
}
