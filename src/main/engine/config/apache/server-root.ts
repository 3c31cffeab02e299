/**
 * Paths in an Apache configuration resolve against ServerRoot (ap_server_root_relative).
 *
 * Configurations are written for the server they run on (`ServerRoot "/etc/httpd"`, AMS's
 * absolute `Include /etc/httpd/conf.d/...`) while we read them from a project folder that
 * stands in for that root. So a declared ServerRoot only replaces ours when it really is the
 * folder the configuration lives in; otherwise it becomes a *runtime root*: absolute paths
 * under it are read from our root instead (`/etc/httpd/conf.d/x.conf` → `<root>/conf.d/x.conf`).
 * Callers that know the layout can map other absolute paths themselves (`mapAbsolute`).
 */
import path from 'node:path'

/** Absolute on this machine or on Windows (`C:/…`, `C:\…`, `\\server\…`), which httpd configs also use. */
export function isAbsoluteConfigPath(p: string): boolean {
  return path.isAbsolute(p) || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\')
}

function withoutTrailingSlash(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p
}

export class ServerRootPaths {
  private readonly runtimeRoots: string[] = []

  constructor(
    public root: string,
    private readonly mapAbsolute?: (p: string) => string
  ) {}

  addRuntimeRoot(declared: string): boolean {
    const r = withoutTrailingSlash(declared.replace(/\\/g, '/'))
    if (r === '' || this.runtimeRoots.includes(r)) return false
    this.runtimeRoots.push(r)
    return true
  }

  /** Where a path written in the configuration is on this machine. */
  resolve(p: string): string {
    const slashed = p.replace(/\\/g, '/')
    for (const r of this.runtimeRoots) {
      if (slashed === r) return this.root
      if (slashed.startsWith(r + '/')) return path.join(this.root, slashed.slice(r.length + 1))
    }
    if (isAbsoluteConfigPath(p)) return this.mapAbsolute ? this.mapAbsolute(p) : p
    return path.resolve(this.root, p)
  }

  /** `conf.d/variables/default.vars` for a file under the root (the overlay's keys), else undefined. */
  relativeKey(abs: string): string | undefined {
    const rel = path.relative(this.root, abs)
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
    return rel.split(path.sep).join('/')
  }

  isInside(abs: string): boolean {
    return this.relativeKey(abs) !== undefined
  }
}
