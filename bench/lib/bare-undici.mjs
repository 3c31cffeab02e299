import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT } from './bundle.mjs'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { spawnServer } from './processes.mjs'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bare-undici-server.mjs')

/**
 * Starts the bare undici stream proxy (bare-undici-server.mjs) on CPU 0, in front of `upstream`
 * ({ url }). Resolves with `{ url, stop() }`.
 */
export async function startBareUndici({ upstream }) {
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, [script])
  const server = await spawnServer(cmd, args, {
    readyRegex: /Bare undici proxy: (http:\/\/127\.0\.0\.1:\d+)/,
    env: { ...process.env, UPSTREAM: upstream.url, PORT: '0' },
    cwd: ROOT,
    name: 'bare undici proxy'
  })
  return { url: server.match[1], stop: () => server.stop() }
}
