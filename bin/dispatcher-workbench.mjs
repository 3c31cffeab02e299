#!/usr/bin/env node
// Runs the bundled CLI (out/cli/main.mjs, built by `npm install` through the `prepare`
// script). In a checkout where the bundle is missing or older than the sources, it is
// rebuilt first so the command always runs what is in src/.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bundle = path.join(root, 'out', 'cli', 'main.mjs')
if (existsSync(path.join(root, 'src', 'cli', 'main.ts'))) {
  const { ensureCliBuilt } = await import(pathToFileURL(path.join(root, 'scripts', 'build-cli.mjs')).href)
  await ensureCliBuilt()
}
const { main } = await import(pathToFileURL(bundle).href)
process.exitCode = await main(process.argv.slice(2))
