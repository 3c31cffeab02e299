/**
 * Whether a path under a docroot is a folder: mod_dir's fixup asks it for every request the
 * Dispatcher handles (pipeline/dispatcher-folder.ts), replayed ones included. Looked at no more
 * than every ~50 ms per path, like the cache's other checks (throttled-stat.ts), so a folder made
 * behind the workbench's back is seen within that window; folders the workbench creates or
 * removes itself (docroot.ts) are seen at once.
 */
import { ThrottledStat } from './throttled-stat'

const checks = new ThrottledStat()

export function isFolder(abs: string): boolean {
  return checks.get(abs)?.kind === 'dir'
}

/** The workbench created or removed the folder `dir` (and what is below it): its remembered answers are dropped. */
export function foldersChanged(dir: string): void {
  checks.forgetUnder(dir)
}
