// Builds the renderer alone (out/renderer) with the renderer section of electron.vite.config.ts:
// what the headless UI server serves, without needing Electron. `npm run build` builds it too,
// with the main process and the preload script.
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const outDir = path.join(root, 'out', 'renderer')
const sources = [
  path.join(root, 'src', 'renderer'),
  path.join(root, 'src', 'shared'),
  path.join(root, 'electron.vite.config.ts')
]

function newest(p) {
  const s = statSync(p)
  if (!s.isDirectory()) return s.mtimeMs
  let n = 0
  for (const e of readdirSync(p)) n = Math.max(n, newest(path.join(p, e)))
  return n
}

export async function buildRenderer({ quiet = false } = {}) {
  const { build } = await import('vite')
  const { loadConfigFromFile } = await import('electron-vite')
  const loaded = await loadConfigFromFile(
    { command: 'build', mode: 'production' },
    path.join(root, 'electron.vite.config.ts'),
    root,
    'silent'
  )
  const renderer = loaded.config.renderer
  // Vite builds React's development runtime when NODE_ENV says so (vitest sets it to "test").
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ ...renderer, configFile: false, logLevel: quiet ? 'warn' : 'info', mode: 'production' })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
}

/** Builds when out/renderer is missing or older than the renderer's sources. */
export async function ensureRendererBuilt(opts) {
  const index = path.join(outDir, 'index.html')
  const stale = !existsSync(index) || Math.max(...sources.map(newest)) > statSync(index).mtimeMs
  if (stale) await buildRenderer(opts)
  return stale
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildRenderer()
}
