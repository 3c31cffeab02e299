import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'results')

/** Writes `data` as bench/results/<name>-<timestamp>.json (git-ignored) and returns the path. */
export function writeResult(name, data) {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n')
  return file
}
