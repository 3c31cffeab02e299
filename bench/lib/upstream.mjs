import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { spawnServer } from './processes.mjs'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'upstream-server.mjs')

/**
 * Starts the upstream (a small Node `http` server in a child process, on CPU 0 with the proxies)
 * answering every request with a fixed uncacheable body of `bodyBytes`.
 * `stats()` resolves with `{ requests, connections }` counted since start.
 */
export async function startUpstream({ bodyBytes = 2048 } = {}) {
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, [script])
  const server = await spawnServer(cmd, args, {
    readyRegex: /Upstream: (http:\/\/127\.0\.0\.1:(\d+))/,
    env: { ...process.env, BODY_BYTES: String(bodyBytes), PORT: '0' },
    ipc: true,
    name: 'upstream'
  })
  const { child } = server
  const stats = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('upstream did not answer a stats request')), 5000)
      child.once('message', (msg) => {
        clearTimeout(timer)
        resolve(msg)
      })
      child.send('stats')
    })
  return { url: server.match[1], port: Number(server.match[2]), bodyBytes, stats, stop: () => server.stop() }
}
