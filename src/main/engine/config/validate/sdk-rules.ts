/**
 * The AEMaaCS SDK validator's rules (dispatcher-behavior.md §11.2), reported in their own
 * category `sdk` because they only matter for Cloud deployments: a configuration can be
 * valid for mod_dispatcher and still be refused by Cloud Manager.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ApacheConfig, DispatcherConfig, Farm } from '../../../../shared/config-model'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import type { AnyIncludeRecord } from '../any/ast'
import type { ApacheParseResult } from '../apache/ast'
import { FsMemo } from '../fs-memo'
import { compileFilter, decideFilter, type CompiledFilter } from '../../pipeline/filter'
import { checkImmutableFiles } from './immutable-files'
import { checkVhostDirectives } from './sdk-apache-rules'

export interface SdkValidationInput {
  srcDir: string
  dispatcher: DispatcherConfig
  apache?: ApacheConfig
  includes: AnyIncludeRecord[]
  sink: DiagnosticSink
  /** Off for the workbench's own default configuration, whose baseline files are our writing, not Adobe's. */
  checkImmutable?: boolean
  /** The load's file-system memo: the immutable files were mostly read already. */
  memo?: FsMemo
  /** Apache files the loader already parsed (the enabled vhosts), looked up by path. */
  parsedApache?: (file: string) => ApacheParseResult | undefined
  /** A farm's compiled filter, when the loader compiles it anyway (for the compile check). */
  filterOf?: (farm: Farm) => CompiledFilter
}

/** Farm sections where a farm file may include its own files, and the folder they must come from. */
const INCLUDE_LOCATIONS: Record<string, string> = {
  clientheaders: 'clientheaders',
  filter: 'filters',
  rules: 'cache',
  ignoreUrlParams: 'cache',
  headers: 'cache',
  allowedClients: 'cache',
  virtualhosts: 'virtualhosts',
  renders: 'renders'
}

export function validateSdkRules(input: SdkValidationInput): void {
  const { srcDir, sink } = input
  const memo = input.memo ?? new FsMemo()
  const farmsDir = path.join(srcDir, 'conf.dispatcher.d', 'enabled_farms')
  const enabled = memo.exists(farmsDir) ? readdirOrThrow(farmsDir, memo).filter((f) => f.endsWith('.farm')) : []
  if (enabled.length === 0) {
    sink.error('SDK_NO_ENABLED_FARMS', 'sdk', 'unable to find any farm in conf.dispatcher.d/enabled_farms', {
      file: farmsDir,
      line: 1,
      column: 1
    })
  }
  checkFarmIncludes(input)
  checkFilters(input)
  if (input.checkImmutable !== false) checkImmutableFiles(srcDir, sink, memo)
  checkVhostDirectives(srcDir, sink, memo, input.parsedApache)
}

/** `fs.readdirSync` as before the memo: a folder that exists but cannot be listed is an exception. */
function readdirOrThrow(dir: string, memo: FsMemo): string[] {
  return memo.readdir(dir) ?? fs.readdirSync(dir)
}

function checkFarmIncludes({ srcDir, includes, dispatcher, sink }: SdkValidationInput): void {
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
    const folder = section ? INCLUDE_LOCATIONS[section] : undefined
    if (!folder) {
      sink.error(
        'SDK_INCLUDE_OUTSIDE_LOCATION',
        'sdk',
        `include statement at (${rec.path}), outside any known location`,
        rec.pos
      )
      continue
    }
    for (const f of rec.files) {
      if (firstFolderUnder(dispatcherDir, f) !== folder) {
        sink.error(
          'SDK_INCLUDE_UNKNOWN_LOCATION',
          'sdk',
          `file included (${rec.path}) at unknown location: /${section} includes must come from ${folder}/`,
          rec.pos
        )
      }
    }
  }
  for (const farm of dispatcher.farms) {
    const within = (section: string[]) =>
      includes.filter(
        (r) => r.within[0] === 'farms' && r.within[1] === farm.name && section.every((s, i) => r.within[2 + i] === s)
      )
    const renders = within(['renders'])
    if (!renders.some((r) => /(^|\/)renders\/default_renders\.any$/.test(r.path))) {
      sink.error(
        'SDK_RENDERS_NOT_INCLUDED',
        'sdk',
        `farm /${farm.name}: renders are not included from ../renders/default_renders.any`,
        farm.pos
      )
    }
    if (farm.cache) {
      const clients = within(['cache', 'allowedClients'])
      if (!clients.some((r) => /(^|\/)cache\/default_invalidate\.any$/.test(r.path))) {
        sink.error(
          'SDK_ALLOWED_CLIENTS_NOT_INCLUDED',
          'sdk',
          `farm /${farm.name}: allowed clients are not included from ../cache/default_invalidate.any`,
          farm.cache.pos
        )
      }
    }
  }
}

function checkFilters({ dispatcher, sink, filterOf }: SdkValidationInput): void {
  for (const farm of dispatcher.farms) {
    for (const rule of farm.filter ?? []) {
      const glob = rule.matchers.find((m) => m.element === 'glob')
      if (rule.type === 'allow' && glob) {
        sink.error(
          'SDK_FILTER_ALLOW_GLOB',
          'sdk',
          `farm /${farm.name}: filter rule /${rule.label} allows with /glob (forbidden in the Cloud, CVE-2016-0957)`,
          rule.pos
        )
      }
    }
    const filter = filterOf ? filterOf(farm) : compileFilter(farm.filter)
    // The admin paths (§11.2): each area is probed at its entry page and below it, so a deny of
    // one exact URL under a broad allow does not hide the rest of the area.
    for (const [what, urls] of ADMIN_PROBES) {
      for (const url of urls) {
        // The decision alone: the validator never shows the per-rule explanation evaluateFilter builds.
        const result = decideFilter(filter, { method: 'GET', url, query: null, protocol: 'HTTP/1.1' })
        if (result.decision !== 'allow') continue
        sink.error(
          'SDK_FILTER_ALLOWS_ADMIN',
          'sdk',
          `farm /${farm.name}: filter allows access to ${what} (GET ${url} is allowed${result.rule ? ` by /${result.rule.label}` : ''})`,
          result.rule?.pos ?? farm.pos
        )
        break
      }
    }
  }
}

const ADMIN_PROBES: readonly (readonly [string, readonly string[]])[] = [
  ['CRXDE', ['/crx/de/index.jsp', '/crx/de', '/crx/de/', '/crx/de/index.html']],
  ['the OSGi console', ['/system/console', '/system/console/', '/system/console/bundles', '/system/console/configMgr']]
]

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
