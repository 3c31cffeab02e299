// `npm start`: the desktop app when Electron can run here; otherwise it says why and runs the
// same engine headless (the UI is then served to any browser, see README).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { stdio: 'inherit', cwd: root })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)))
}

const bin = electronBinary()
const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY
if (bin && display) {
  run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'preview', '--', ...args])
} else {
  const why = !bin ? "Electron's binary is not installed (it cannot be downloaded here)" : 'there is no display'
  console.log(`Dispatcher Workbench: ${why}; running headless instead.`)
  run(process.execPath, [path.join(root, 'bin', 'dispatcher-workbench.mjs'), 'serve', '--demo', ...args])
}
