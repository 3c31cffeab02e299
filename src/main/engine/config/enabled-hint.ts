/**
 * AMS and the AEMaaCS SDK turn a farm or a vhost on by a symbolic link (or a copy) in
 * `enabled_farms/` or `enabled_vhosts/` to its file in `available_farms/`/`available_vhosts/`.
 * A copied or freshly cloned tree often has the `available_*` files but not the links (git on
 * Windows, an archive that drops links, a checkout of AMS's `/etc/httpd` as shipped), and the
 * include of `enabled_*` then finds nothing. The bare "matches no file" leaves the user to work
 * that out; this says what is there and how it is switched on.
 */
import fs from 'node:fs'
import path from 'node:path'
import { matchesGlobSegment } from './files'
import type { FsMemo } from './fs-memo'

/**
 * What explains an include that finds nothing: the links among what it names whose target is
 * missing (a glob skips them silently, so "matches no file" hides them), then, for a pattern
 * or folder inside an `enabled_*` folder whose `available_*` sibling has matching files,
 * `; available_farms/ has 6 files that would match (…): … switched on by a link in
 * enabled_farms/…`. '' when neither applies.
 */
export function enabledHint(target: string, memo: FsMemo): string {
  return brokenLinksHint(target, memo) + availableHint(target, memo)
}

function availableHint(target: string, memo: FsMemo): string {
  const parts = target.split(/[\\/]/)
  const at = parts.findLastIndex((p) => /^enabled_\w+$/.test(p))
  if (at < 0) return ''
  const enabled = parts[at]
  const available = enabled.replace(/^enabled_/, 'available_')
  const availableDir = [...parts.slice(0, at), available].join(path.sep) || path.sep
  // The pattern's last part (`*.farm`, `*_farm.any`) when the target names files in the folder, else any file.
  const pattern = at === parts.length - 2 ? parts[parts.length - 1] : '*'
  const names = (memo.readdir(availableDir) ?? []).filter((n) => matchesGlobSegment(pattern, n)).sort()
  if (names.length === 0) return ''
  // The SDK's own default.farm / default.vhost say in their header not to be used as they are:
  // copy it, edit the copy, and link the copy. The project's own files are named first.
  const own = names.filter((n) => !SDK_DEFAULTS.has(n))
  const ordered = [...own, ...names.filter((n) => SDK_DEFAULTS.has(n))]
  const shown = ordered.length > 3 ? `${ordered.slice(0, 3).join(', ')}, …` : ordered.join(', ')
  const sdkDefault = names.find((n) => SDK_DEFAULTS.has(n))
  const notDefault =
    sdkDefault && own.length > 0
      ? ` (${sdkDefault} is the SDK's default, which its header says to copy rather than enable: link the project's own, ${own[0]})`
      : ''
  return `; ${available}/ has ${names.length} file(s) that would match (${shown}): a farm or vhost is switched on by a symbolic link (or a copy) in ${enabled}/ to its file in ${available}/${notDefault}`
}

/** The AEMaaCS SDK's immutable example farm and vhost ("DO NOT EDIT … create a copy … link your copy"). */
const SDK_DEFAULTS = new Set(['default.farm', 'default.vhost'])

/** `; enabled_farms/wknd.farm is a symbolic link to ../available_farms/wknd2.farm, which does not exist` */
function brokenLinksHint(target: string, memo: FsMemo): string {
  const broken = namedBy(target, memo).flatMap((p) => {
    if (memo.exists(p)) return []
    try {
      return [{ link: p, to: fs.readlinkSync(p) }]
    } catch {
      return []
    }
  })
  if (broken.length === 0) return ''
  const shown = broken
    .slice(0, 3)
    .map(({ link, to }) => `${path.join(path.basename(path.dirname(link)), path.basename(link))} -> ${to}`)
  const more = broken.length > 3 ? ` and ${broken.length - 3} more` : ''
  const which =
    broken.length === 1
      ? 'is a symbolic link whose target does not exist'
      : 'are symbolic links whose targets do not exist'
  return `; ${shown.join(', ')}${more} ${which}`
}

/** The paths an include target names: a glob's matching names in its folder, a folder's entries, or itself. */
function namedBy(target: string, memo: FsMemo): string[] {
  const base = path.basename(target)
  if (/[*?[]/.test(base)) {
    const dir = path.dirname(target)
    return (memo.readdir(dir) ?? [])
      .filter((n) => matchesGlobSegment(base, n))
      .sort()
      .map((n) => path.join(dir, n))
  }
  const entries = memo.readdir(target)
  return entries ? entries.sort().map((n) => path.join(target, n)) : [target]
}
