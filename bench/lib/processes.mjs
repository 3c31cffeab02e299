// Starts and stops the processes a benchmark needs (servers, load generator) so that none
// outlives the script: each runs in its own process group (so Apache's and nginx's worker
// children go with it), and every live group is killed on exit, Ctrl-C, SIGTERM or a crash.
import { spawn } from 'node:child_process'
import http from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { stripVTControlCharacters } from 'node:util'

const live = new Set()
let hooksInstalled = false

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group is already gone.
  }
}

function installExitHooks() {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL')
  })
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129]
  ]) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping ${live.size} benchmark process(es)`)
      process.exit(code)
    })
  }
}

function track(child) {
  installExitHooks()
  live.add(child)
  child.once('exit', () => live.delete(child))
}

/** The last `max` characters of what a process printed, for error messages. */
function tail(text, max = 2000) {
  return text.length > max ? '…' + text.slice(-max) : text
}

/** Runs `cmd` to completion (bounded by `timeoutMs`) and resolves with its output. */
export function runCommand(cmd, args, { timeoutMs, env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    track(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = timeoutMs
      ? setTimeout(() => {
          killGroup(child, 'SIGKILL')
          reject(new Error(`${cmd} did not finish within ${timeoutMs} ms\n${tail(stdout + stderr)}`))
        }, timeoutMs)
      : undefined
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${cmd}: ${err.message}`))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

function answers(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume()
      res.once('end', () => resolve(true))
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(false))
  })
}

/**
 * Starts a long-running server and waits until it is ready: until its output matches
 * `readyRegex` (the match is returned) or until `readyUrl` answers any HTTP status.
 * Rejects, with the end of the server's output, when it exits first or `timeoutMs` passes;
 * `name` is what error messages call it (the command may be wrapped in `taskset`).
 */
export async function spawnServer(
  cmd,
  args,
  { readyRegex, readyUrl, timeoutMs = 15000, env, cwd, ipc = false, name = cmd } = {}
) {
  if (!readyRegex && !readyUrl) throw new Error('spawnServer needs readyRegex or readyUrl')
  const child = spawn(cmd, args, {
    cwd,
    env: env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])]
  })
  track(child)
  let output = ''
  let exited = null
  let onOutput = () => {}
  const collect = (d) => {
    output += d
    onOutput()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      resolve()
    })
  )
  child.once('error', (err) => {
    output += `\n${err.message}`
    exited = { code: null, signal: null }
  })

  const stop = async (graceMs = 5000) => {
    if (!exited) {
      killGroup(child, 'SIGTERM')
      await Promise.race([exit, delay(graceMs)])
    }
    // Worker children may outlive their parent for a moment; the group goes as a whole.
    killGroup(child, 'SIGKILL')
    await Promise.race([exit, delay(1000)])
  }

  const deadline = Date.now() + timeoutMs
  let match = null
  try {
    while (true) {
      if (readyRegex) match = readyRegex.exec(stripVTControlCharacters(output))
      if (match) break
      if (exited) throw new Error(`${name} exited (${exited.signal ?? 'code ' + exited.code}) before it was ready`)
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms`)
      if (readyUrl && (await answers(readyUrl))) break
      await new Promise((resolve) => {
        onOutput = resolve
        setTimeout(resolve, 100)
      })
    }
  } catch (err) {
    await stop(1000)
    err.output = output
    err.message += output.trim() ? `\n--- its output ---\n${tail(output.trim())}` : ' (it printed nothing)'
    throw err
  }
  return { child, match, output: () => output, stop }
}
