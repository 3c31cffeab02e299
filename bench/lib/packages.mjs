// Installs the Debian packages a benchmark compares against (apache2, nginx, wrk) when they
// are missing: `apt-get update` once, then `apt-get install -y`. A temporary policy-rc.d
// keeps the packages' maintainer scripts from starting Apache or nginx as system daemons;
// the benchmarks start their own, bound to 127.0.0.1, and stop them.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

const POLICY_RC = '/usr/sbin/policy-rc.d'
let updated = false

function installed(name) {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] })
    return String(status).includes('install ok installed')
  } catch {
    return false
  }
}

function apt(args) {
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
}

/** Makes sure every named Debian package is installed; throws with a clear message otherwise. */
export function ensurePackages(names) {
  const missing = names.filter((name) => !installed(name))
  if (missing.length === 0) return
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(', ')} (run as root, or: apt-get install -y ${missing.join(' ')})`
    )
  }
  console.log(`Installing ${missing.join(', ')} with apt-get…`)
  const ownPolicy = !fs.existsSync(POLICY_RC)
  if (ownPolicy) fs.writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 })
  try {
    if (!updated) {
      apt(['update', '-qq'])
      updated = true
    }
    apt(['install', '-y', '-qq', ...missing])
  } finally {
    if (ownPolicy) fs.rmSync(POLICY_RC, { force: true })
  }
  const still = missing.filter((name) => !installed(name))
  if (still.length) throw new Error(`apt-get could not install: ${still.join(', ')}`)
}
