/**
 * The SDK validator's rules on `$include` in farm files (dispatcher-behavior.md §11.2), in its
 * words as its TroubleShooting document lists them:
 * - `/renders` and `/cache/allowedClients` must include one given file each ("file included
 *   (…) must be named: …"), and must include it ("… are not included from …");
 * - a farm's own files may be included only where the Cloud expects them ("file included at
 *   unknown location: …"), and `$include` anywhere else is refused ("include statement at (…),
 *   outside any known location: …");
 * - no include may leave the src folder ("parent directory outside server root").
 */
import path from 'node:path'
import type { DispatcherConfig } from '../../../../shared/config-model'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import type { AnyIncludeRecord } from '../any/ast'

/** Farm sections where a farm file may include its own files, and the folder they must come from. */
const INCLUDE_LOCATIONS: Record<string, string> = {
  clientheaders: 'clientheaders',
  filter: 'filters',
  rules: 'cache',
  ignoreUrlParams: 'cache',
  headers: 'cache',
  virtualhosts: 'virtualhosts'
}

/**
 * Sections that take exactly one file, the Cloud's: the renders are generated at start-up and
 * the invalidating clients are the Cloud's own, so a project's file there would not be what runs.
 */
const REQUIRED_INCLUDES: Record<string, { file: RegExp; name: string; missing: string }> = {
  renders: { file: /(^|\/)renders\/default_renders\.any$/, name: '../renders/default_renders.any', missing: 'renders' },
  allowedClients: {
    file: /(^|\/)cache\/default_invalidate\.any$/,
    name: '../cache/default_invalidate.any',
    missing: 'allowed clients'
  }
}

export function checkFarmIncludes(
  srcDir: string,
  includes: AnyIncludeRecord[],
  dispatcher: DispatcherConfig,
  sink: DiagnosticSink
): void {
  const dispatcherDir = path.join(srcDir, 'conf.dispatcher.d')
  const farmDirs = [path.join(dispatcherDir, 'enabled_farms'), path.join(dispatcherDir, 'available_farms')]
  for (const rec of includes) {
    // No include of any file may leave the server root (the src folder).
    const outside = rec.files.find((f) => f !== srcDir && !f.startsWith(srcDir + path.sep))
    if (outside !== undefined) {
      sink.error('SDK_PARENT_OUTSIDE_ROOT', 'sdk', `parent directory outside server root (${rec.path})`, rec.pos)
      continue
    }
    // Only includes written in farm files are restricted; the files they include may include freely.
    // The validator reads the *.farm files; enabled_farms/farms.any is the runtime's own immutable file.
    if (!rec.pos.file.endsWith('.farm') || !farmDirs.some((d) => rec.pos.file.startsWith(d + path.sep))) continue
    const section = rec.within.length > 2 && rec.within[0] === 'farms' ? rec.within[rec.within.length - 1] : null
    const required = section ? REQUIRED_INCLUDES[section] : undefined
    if (required) {
      if (!required.file.test(rec.path)) {
        sink.error(
          'SDK_INCLUDE_MUST_BE_NAMED',
          'sdk',
          `file included (${rec.path}) must be named: ${required.name} (/${section} takes the Cloud's file only)`,
          rec.pos
        )
      }
      continue
    }
    const folder = section ? INCLUDE_LOCATIONS[section] : undefined
    if (!folder) {
      sink.error(
        'SDK_INCLUDE_OUTSIDE_LOCATION',
        'sdk',
        `include statement at (${sectionPath(rec)}), outside any known location: ${rec.path}`,
        rec.pos
      )
      continue
    }
    if (rec.files.some((f) => firstFolderUnder(dispatcherDir, f) !== folder)) {
      sink.error(
        'SDK_INCLUDE_UNKNOWN_LOCATION',
        'sdk',
        `file included at unknown location: ${rec.path} (/${section} includes must come from ${folder}/)`,
        rec.pos
      )
    }
  }
  checkRequiredIncludes(includes, dispatcher, sink)
}

/** `/publishfarm/cache/invalidate` for an include in that block (the `farms` root left out). */
function sectionPath(rec: AnyIncludeRecord): string {
  const names = rec.within[0] === 'farms' ? rec.within.slice(1) : rec.within
  return '/' + names.map((n) => n ?? '?').join('/')
}

/** A section without any include at all; one that includes another file was told so above. */
function checkRequiredIncludes(includes: AnyIncludeRecord[], dispatcher: DispatcherConfig, sink: DiagnosticSink): void {
  for (const farm of dispatcher.farms) {
    const within = (section: string[]) =>
      includes.filter(
        (r) => r.within[0] === 'farms' && r.within[1] === farm.name && section.every((s, i) => r.within[2 + i] === s)
      )
    const missing = (section: string[], pos: typeof farm.pos): void => {
      const required = REQUIRED_INCLUDES[section[section.length - 1]]
      if (within(section).length > 0) return
      sink.error(
        section[0] === 'renders' ? 'SDK_RENDERS_NOT_INCLUDED' : 'SDK_ALLOWED_CLIENTS_NOT_INCLUDED',
        'sdk',
        `farm /${farm.name}: ${required.missing} are not included from ${required.name}`,
        pos
      )
    }
    missing(['renders'], farm.pos)
    if (farm.cache) missing(['cache', 'allowedClients'], farm.cache.pos)
  }
}

/**
 * The first segment of `file` relative to `dir` (`filters` for `<dir>/filters/x.any`), as
 * `path.relative(dir, file).split(path.sep)[0]` says. Included files come out of the include
 * resolver already absolute and normalised, so one under `dir` is answered by slicing, without
 * the two path resolutions `path.relative` costs per file; anything else asks `path.relative`.
 */
function firstFolderUnder(dir: string, file: string): string {
  const sep = path.sep
  const base = dir + sep
  // Normalised: no `.`/`..` segment, no doubled or foreign separator (either would change the answer).
  const plain =
    path.isAbsolute(dir) &&
    !dir.endsWith(sep) &&
    file.startsWith(base) &&
    !file.includes(sep + '.') &&
    !file.includes(sep + sep) &&
    !(sep === '\\' && file.includes('/'))
  if (!plain) return path.relative(dir, file).split(sep)[0]
  const end = file.indexOf(sep, base.length)
  return end < 0 ? file.slice(base.length) : file.slice(base.length, end)
}
