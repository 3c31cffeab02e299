// Our proxy as a benchmark target: `dispatcher-workbench serve` on CPU 0 (with the upstream),
// bound to 127.0.0.1, with its UI server on a random loopback port (no browser attached).
// Ready when it prints `Proxy: http://…`.
import path from 'node:path'
import { ROOT } from './bundle.mjs'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { freePort } from './ports.mjs'
import { spawnServer } from './processes.mjs'

/**
 * Starts `serve <configDir>` forwarding to `upstream` ({ port }). Resolves with
 * `{ url, stop() }`; rejects (with its output) when it exits or does not print its Proxy line
 * within `timeoutMs` (the first run may rebuild the CLI bundle).
 */
export async function startWorkbench({ configDir, upstream, timeoutMs = 60000 }) {
  const port = await freePort()
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, [
    path.join(ROOT, 'bin', 'dispatcher-workbench.mjs'),
    'serve',
    configDir,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--aem',
    `127.0.0.1:${upstream.port}`
    // With its UI, as the app runs: every trace is kept for the request list (the ring's 10,000).
    // `--no-ui` keeps none, since nothing could show them, and would measure less than users get.
  ])
  // Renders written as ${AEM_HOST}/${AEM_PORT} resolve from the environment in the real
  // Dispatcher too, so the same values go there as well as on --aem.
  const env = { ...process.env, AEM_HOST: '127.0.0.1', AEM_PORT: String(upstream.port) }
  const server = await spawnServer(cmd, args, {
    readyRegex: /Proxy:\s*(https?:\/\/[^\s/]+)/,
    env,
    cwd: ROOT,
    timeoutMs,
    name: 'dispatcher-workbench serve'
  })
  return { url: server.match[1], stop: () => server.stop() }
}
