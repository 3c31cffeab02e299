// Imports a TypeScript module of the project in plain Node: esbuild bundles it (project
// sources inlined, npm packages left as imports) into node_modules/.cache, where those
// imports still resolve against the project's node_modules.
import { build } from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))))

export class BundleError extends Error {}

/** Bundles `entry` (relative to the project root) and imports it. Throws BundleError when it does not build. */
export async function importTypeScript(entry) {
  const outdir = path.join(ROOT, 'node_modules', '.cache', 'dispatcher-workbench-bench')
  const outfile = path.join(outdir, `${path.basename(entry, path.extname(entry))}-${process.pid}.mjs`)
  fs.mkdirSync(outdir, { recursive: true })
  try {
    await build({
      entryPoints: [path.join(ROOT, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent'
    })
  } catch (err) {
    const messages = (err.errors ?? []).map(
      (e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column} ` : ''}${e.text}`
    )
    throw new BundleError(`cannot bundle ${entry}:\n${messages.join('\n') || err.message}`)
  }
  try {
    return await import(pathToFileURL(outfile).href)
  } finally {
    fs.rmSync(outfile, { force: true })
  }
}
