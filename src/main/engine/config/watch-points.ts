/**
 * What to hand chokidar so that a configuration's files are watched even while some of them,
 * or the folders holding them, do not exist: a `git checkout` of a branch without dispatcher/,
 * a sync tool recreating a folder, an enabled_* link whose target folder is rebuilt.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { LoadedConfig } from '../../../shared/config-model'

/**
 * The paths a configuration depends on: the files it was read from, the folders holding them
 * (a folder is watched with everything below it), the folders whose include globs could gain
 * files, and the files whose presence decides its layout (locateConfig: a conf.d that comes
 * back brings the Apache side back).
 */
export function dependedOn(config: LoadedConfig): string[] {
  const layoutProbes =
    config.layout === 'aemaacs' || config.layout === 'classic'
      ? ['conf.dispatcher.d/dispatcher.any', 'conf.d/dispatcher_vhost.conf', 'conf/httpd.conf', 'opt-in'].map((p) =>
          path.join(config.baseDir, p)
        )
      : []
  return [...config.files, ...config.files.map((f) => path.dirname(f)), ...config.watchDirs, ...layoutProbes]
}

/**
 * The paths to watch so that every path of `paths` is noticed when it changes or appears. An
 * existing path is watched as it is. For a missing one, chokidar watches the parent for it, but
 * only one level up (the parent has to exist), so the missing path is replaced by the topmost
 * missing folder above it, whose parent exists. A link whose target is missing is watched and
 * so is where its target would be: the link itself does not change when its target comes back.
 */
export function watchPoints(paths: Iterable<string>): string[] {
  const points = new Set<string>()
  for (const p of paths) for (const w of pointsFor(path.resolve(p), 0)) points.add(w)
  return [...points].sort()
}

/** Links followed at most: a loop of links never resolves. */
const MAX_LINKS = 8

function pointsFor(p: string, links: number): string[] {
  let missing = p
  for (;;) {
    if (fs.existsSync(missing)) return [missing]
    const target = linkTarget(missing)
    if (target !== undefined) return links < MAX_LINKS ? [missing, ...pointsFor(target, links + 1)] : [missing]
    const parent = path.dirname(missing)
    if (parent === missing || fs.existsSync(parent)) return [missing]
    missing = parent
  }
}

/** Where a link at `p` points (resolved against its folder); undefined when `p` is no link. */
function linkTarget(p: string): string | undefined {
  try {
    return path.resolve(path.dirname(p), fs.readlinkSync(p))
  } catch {
    return undefined
  }
}
