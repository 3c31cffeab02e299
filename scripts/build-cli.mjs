// Bundles the command line (src/cli/main.ts and the engine it uses) into out/cli/main.mjs
// with esbuild. Dependencies stay external (they are in node_modules at run time).
import { build } from 'esbuild'
import { readdirSync, statSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const outfile = path.join(root, 'out', 'cli', 'main.mjs')

function newestSource(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full))
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

export async function buildCli() {
  await build({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning'
  })
}

/** Rebuilds when the bundle is missing or any source under src/ is newer. */
export async function ensureCliBuilt() {
  const stale = !existsSync(outfile) || newestSource(path.join(root, 'src')) > statSync(outfile).mtimeMs
  if (stale) await buildCli()
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli()
}
