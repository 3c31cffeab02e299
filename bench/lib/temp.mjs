import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const made = new Set()
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A fresh folder under the system temp dir, removed when the script exits. It is world-readable
 * because Apache and nginx workers drop root for www-data and must read what is inside.
 */
export function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dw-bench-${prefix}-`))
  fs.chmodSync(dir, 0o755)
  made.add(dir)
  return dir
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true })
  made.delete(dir)
}
