// `npm start`: the desktop app when Electron can run here; otherwise it says why and runs the
// same engine headless, printing the URL of the UI for a browser. With no configuration given
// the embedded default one is used, and when nothing answers on localhost:4503 (no AEM SDK
// publish) the built-in demo site stands in for it, so a newcomer sees the whole flow.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureRendererBuilt } from './build-renderer.mjs'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const args = process.argv.slice(2)

function electronBinary() {
  try {
    const require = createRequire(import.meta.url)
    const bin = require('electron')
    return typeof bin === 'string' && existsSync(bin) ? bin : null
  } catch {
    return null
  }
}

function answers(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** `serve`'s options that take a value (see src/cli/serve.ts), so their values are not taken for a config. */
const VALUED = new Set([
  '-p',
  '--port',
  '--host',
  '--ui-port',
  '--env',
  '--aem',
  '--docroot',
  '--run-mode',
  '--fallback-farm'
])

function positionals(argv) {
  const out = []
  for (let i = 0; i < argv.length; i++) {
    if (VALUED.has(argv[i])) i++
    else if (!argv[i].startsWith('-')) out.push(argv[i])
  }
  return out
}

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { stdio: 'inherit', cwd: root })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)))
}

const bin = electronBinary()
const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY
if (bin && display) {
  // The app itself applies the same first-run defaults (src/main/headless/first-run.ts).
  run(process.execPath, [
    path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'preview',
    '--',
    ...args
  ])
} else {
  const why = !bin ? "Electron's binary is not installed" : 'there is no display'
  console.log(`Electron cannot start here (${why}); running headless. Open the UI address below in a browser.`)
  if (await ensureRendererBuilt({ quiet: true })) console.log('Built the UI (out/renderer).')
  const configGiven = positionals(args).length > 0
  const demo =
    !configGiven &&
    !args.includes('--demo') &&
    !args.some((a) => a.startsWith('--aem')) &&
    !(await answers('localhost', 4503))
  if (demo) console.log('Nothing answers on localhost:4503: the built-in demo site serves as the publish render.')
  run(process.execPath, [
    path.join(root, 'bin', 'dispatcher-workbench.mjs'),
    'serve',
    ...(demo ? ['--demo'] : []),
    ...args
  ])
}
