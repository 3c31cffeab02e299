/**
 * AMS and the AEMaaCS SDK turn a farm or a vhost on by a symbolic link (or a copy) in
 * `enabled_farms/` or `enabled_vhosts/` to its file in `available_farms/`/`available_vhosts/`.
 * A copied or freshly cloned tree often has the `available_*` files but not the links (git on
 * Windows, an archive that drops links, a checkout of AMS's `/etc/httpd` as shipped), and the
 * include of `enabled_*` then finds nothing. The bare "matches no file" leaves the user to work
 * that out; this says what is there and how it is switched on.
 */
import path from 'node:path'
import { matchesGlobSegment } from './files'
import type { FsMemo } from './fs-memo'

/**
 * `; available_farms/ has 6 files that would match (…): enable one by a link in enabled_farms/`
 * for a pattern or folder inside an `enabled_*` folder whose `available_*` sibling has matching
 * files; '' otherwise.
 */
export function enabledHint(target: string, memo: FsMemo): string {
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
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ')
  return `; ${available}/ has ${names.length} file(s) that would match (${shown}): a farm or vhost is switched on by a symbolic link (or a copy) in ${enabled}/ to its file in ${available}/`
}
