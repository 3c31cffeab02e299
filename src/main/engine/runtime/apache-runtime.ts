/**
 * What a virtual host needs at request time from its Apache configuration, compiled once per
 * configuration: mod_setenvif, mod_rewrite (with `RewriteOptions` inheritance and maps),
 * mod_headers and mod_expires per request (scoped-apache.ts). SetEnvIf directives of
 * `<Directory>`/`<Location>` sections that cover the whole docroot apply to every request of
 * the vhost, after the vhost's own (Apache merges per-directory configuration last).
 */
import fs from 'node:fs'
import type { VhostSettings } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import type { FileInfo, FileProbe } from '../apache-expr'
import { fileNameOf, toByteString } from '../apache-expr/uri-escape'
import { compileSetEnv, type CompiledSetEnv } from '../pipeline/headers'
import {
  compileRewriteRules,
  effectiveRewriteConfig,
  loadRewriteMaps,
  type CompiledRewrite,
  type RewriteMapImpl
} from '../pipeline/rewrite'
import { ProxyPasses } from '../pipeline/proxy-pass'
import { compileRewriteSwitch, type RewriteSwitch } from './rewrite-switch'
import { DirRewriteRules, hasSectionRewriting } from './dir-rewrite'
import { scopedProblems, VhostScopes } from './scoped-apache'
import { sectionContexts } from './contexts'
import { isWithin } from '../cache/safe-path'

export interface VhostApache {
  setEnv: CompiledSetEnv | null
  rewrite: {
    /** The vhost's own `RewriteEngine` state (sections may override it per request: `rewriteSwitch`). */
    engine: boolean
    compiled: CompiledRewrite
    maps: Map<string, RewriteMapImpl>
    inheritance: string
    /** No `rnd:` map: the same request always gives the same outcome, so its trace can be rebuilt later. */
    replayable: boolean
  } | null
  /** The vhost's `RewriteMap`s, loaded when some rule (the vhost's or a section's) may use them. */
  rewriteMaps: Map<string, RewriteMapImpl> | null
  /** mod_proxy's `ProxyPass`/`ProxyPassMatch`, server-wide and in sections. */
  proxyPasses: ProxyPasses
  /** `RewriteEngine` in `<Location>`/`<If>` sections, when any says it. */
  rewriteSwitch: RewriteSwitch | null
  /** `Header`, `RequestHeader` and mod_expires, with the sections that apply to a request. */
  scoped: VhostScopes
  /** The contexts whose RewriteRules were compiled here, their problems in `problems`. */
  rewriteContexts: readonly VhostSettings[]
  problems: Diagnostic[]
}

/**
 * The file system as the emulated server sees it: the docroot is real; elsewhere only the
 * top-level folders of a Linux container exist. mod_rewrite asks whether a substitution's
 * first segment exists to decide whether it is a file path or a URL, and the developer's own
 * machine must not change that answer.
 */
const CONTAINER_DIRS = new Set([
  '/bin',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var'
])

/**
 * A FileProbe that counts what it read from the real docroot: an evaluation that did cannot
 * be replayed later for its trace (the answer may have changed), so it is explained at once.
 * Everything outside the docroot is fixed, so reading it does not count.
 */
export interface CountingProbe extends FileProbe {
  readonly calls: number
}

/** What a symbolic link inside the docroot leads to, when that stays inside the docroot. */
function linkTarget(p: string, root: string): fs.Stats | undefined {
  try {
    const real = fs.realpathSync.native(p)
    const realRoot = fs.realpathSync.native(root)
    return isWithin(realRoot, real) ? fs.statSync(real) : undefined
  } catch {
    return undefined // a dangling link
  }
}

export function containerProbe(docroot: string | undefined): CountingProbe {
  // Paths asked hold bytes (httpd's r->filename): the docroot is compared in that form too,
  // and the file system is asked by the UTF-8 name those bytes spell.
  const root = docroot === undefined ? undefined : toByteString(docroot.replace(/\/+$/, ''))
  const rootOnDisk = docroot?.replace(/\/+$/, '')
  let calls = 0
  return {
    get calls(): number {
      return calls
    },
    stat(p: string): FileInfo | null {
      if (root && (p === root || p.startsWith(root + '/'))) {
        calls++
        // `p` holds bytes, as httpd's paths do (r->filename): the file it names on disk.
        const disk = fileNameOf(p)
        let st: fs.Stats | undefined
        try {
          st = fs.lstatSync(disk, { throwIfNoEntry: false })
        } catch {
          return null // ENOTDIR, ELOOP, EACCES: not there for the server either
        }
        if (!st) return null
        const symlink = st.isSymbolicLink()
        // apr_stat follows a link (`-f`, `-d` and the directory walk see its target), but the
        // workbench never looks past the docroot: a link leading out of it stays a bare link.
        if (symlink) st = linkTarget(disk, rootOnDisk!) ?? st
        return {
          kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other',
          size: st.size,
          symlink,
          executable: (st.mode & 0o111) !== 0
        }
      }
      const top = '/' + (p.split('/')[1] ?? '')
      // The docroot's own parent folders exist wherever the workbench keeps its cache.
      if (p === '/' || (CONTAINER_DIRS.has(top) && p === top) || (p.startsWith('/') && root?.startsWith(p + '/')))
        return { kind: 'dir', size: 4096, symlink: false, executable: true }
      return null
    },
    readFile(p: string): string | null {
      if (!root || !p.startsWith(root + '/')) return null
      calls++
      try {
        const disk = fileNameOf(p)
        if (!isWithin(fs.realpathSync.native(rootOnDisk!), fs.realpathSync.native(disk))) return null
        return fs.readFileSync(disk, 'utf8')
      } catch {
        return null
      }
    }
  }
}

/** A RewriteMap file's text as `fs.readFileSync(p, 'utf8')` gives it, or null when it cannot be read. */
export type MapFileReader = (p: string) => string | null

function readMapFile(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8')
  } catch {
    return null
  }
}

/** `readFile`: how RewriteMap files are read (the loader reads them through its file memo). */
export function compileVhostApache(
  server: VhostSettings,
  vhost: VhostSettings,
  docroot: string | undefined,
  readFile: MapFileReader = readMapFile,
  /** The configuration's loaded modules (ApacheConfig.modules): which output filters exist. */
  modules?: readonly string[]
): VhostApache {
  const problems: Diagnostic[] = []
  const layers = [server, vhost]
  // The server's and vhost's own SetEnvIf run when the request is read (post_read_request);
  // those of sections after the section walk (header_parser: ScopedApache.setEnv).
  const setEnvDirectives = layers.flatMap((s) => s.setEnv)

  let rewrite: VhostApache['rewrite'] = null
  const eff = effectiveRewriteConfig(server, vhost)
  const rewriteSwitch = compileRewriteSwitch(layers, docroot)
  const vhostRules = (eff.engine || rewriteSwitch?.turnsOn === true) && eff.rules.length > 0
  const dirRules = hasSectionRewriting(layers) ? new DirRewriteRules(layers, eff.engine, eff.maps) : null
  // RewriteMap is server-wide: the sections' rules use the vhost's maps too.
  const maps = vhostRules || dirRules ? loadRewriteMaps(eff.maps, { readFile }) : null
  if (maps) problems.push(...maps.problems)
  if (dirRules) problems.push(...dirRules.problems)
  if (vhostRules) {
    const compiled = compileRewriteRules(eff.rules, eff.maps)
    problems.push(...compiled.problems)
    const replayable = ![...maps!.maps.values()].some((m) => m.type === 'rnd')
    rewrite = { engine: eff.engine, compiled, maps: maps!.maps, inheritance: eff.inheritance, replayable }
  }
  const rewriteContexts: VhostSettings[] = []
  if (vhostRules) rewriteContexts.push(...(eff.inheritance === 'none' ? [vhost] : layers))
  if (dirRules) rewriteContexts.push(...sectionContexts(layers))
  const setEnv = setEnvDirectives.length > 0 ? compileSetEnv(setEnvDirectives) : null
  if (setEnv) problems.push(...setEnv.problems)
  const scoped = new VhostScopes(layers, docroot, dirRules, modules)
  const base = scoped.base
  for (const c of [base.requestHeaders, base.responseHeaders]) if (c) problems.push(...c.problems)
  problems.push(...scopedProblems(layers))
  return {
    setEnv,
    rewrite,
    rewriteMaps: maps?.maps ?? null,
    rewriteSwitch,
    proxyPasses: new ProxyPasses(layers, docroot),
    scoped,
    rewriteContexts,
    problems
  }
}
