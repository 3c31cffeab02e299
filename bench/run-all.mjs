// `npm run bench`: runs every bench/*.mjs except this one, one after the other (they would
// disturb each other's figures if they overlapped), and fails if any of them failed.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const self = path.basename(fileURLToPath(import.meta.url))
const scripts = fs
  .readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== self)
  .sort()

let current
for (const signal of ['SIGINT', 'SIGTERM']) {
  // The running benchmark stops its own servers; this script only waits for it and stops.
  process.on(signal, () => {
    if (current) current.kill(signal)
    else process.exit(130)
  })
}

function run(script) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, [path.join(here, script)], { stdio: 'inherit' })
    current.once('error', (err) => resolve({ code: 1, error: err.message }))
    current.once('exit', (code, signal) => resolve({ code: code ?? 1, signal }))
  })
}

const outcomes = []
for (const script of scripts) {
  console.log(`\n=== ${script} ===`)
  const started = Date.now()
  const outcome = await run(script)
  current = undefined
  outcomes.push({ script, seconds: (Date.now() - started) / 1000, ...outcome })
  if (outcome.signal === 'SIGINT' || outcome.signal === 'SIGTERM' || outcome.code === 130) break
}

console.log('\n=== summary ===')
for (const o of outcomes) {
  const status = o.code === 0 ? 'ok' : o.signal ? `stopped by ${o.signal}` : `FAILED (exit ${o.code})`
  console.log(`${o.script.padEnd(20)} ${status.padEnd(22)} ${o.seconds.toFixed(0)} s`)
}
process.exitCode = outcomes.every((o) => o.code === 0) && outcomes.length === scripts.length ? 0 : 1
