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
import { checkFarmIncludes } from './sdk-farm-includes'

export interface SdkValidationInput {
  srcDir: string
  dispatcher: DispatcherConfig
  apache?: ApacheConfig
  includes: AnyIncludeRecord[]
  sink: DiagnosticSink
  /** Off for the workbench's own default configuration, whose baseline files are our writing, not Adobe's. */
  checkImmutable?: boolean
  /** Report an edited immutable file as validate.sh does (an error), not as docker_run.sh runs it. */
  immutableEditsFail?: boolean
  /** The load's file-system memo: the immutable files were mostly read already. */
  memo?: FsMemo
  /** Apache files the loader already parsed (the enabled vhosts), looked up by path. */
  parsedApache?: (file: string) => ApacheParseResult | undefined
  /** A farm's compiled filter, when the loader compiles it anyway (for the compile check). */
  filterOf?: (farm: Farm) => CompiledFilter
}

export function validateSdkRules(input: SdkValidationInput): void {
  const { srcDir, sink } = input
  const memo = input.memo ?? new FsMemo()
  const dispatcherDir = path.join(srcDir, 'conf.dispatcher.d')
  const farmsDir = path.join(dispatcherDir, 'enabled_farms')
  // The validator's first structural check: without the folder there is nothing to look for
  // farms in, so "no farm" would only say the same again.
  if (!memo.isDir(dispatcherDir)) {
    sink.error('SDK_NO_DISPATCHER_FOLDER', 'sdk', 'unable to locate a conf.dispatcher.d subfolder in the src folder', {
      file: dispatcherDir,
      line: 1,
      column: 1
    })
  } else {
    const enabled = memo.exists(farmsDir) ? readdirOrThrow(farmsDir, memo).filter((f) => f.endsWith('.farm')) : []
    if (enabled.length === 0) {
      // Reported where the farms are read from (the `$include "enabled_farms/*.farm"`), a line an
      // editor opens; the folder itself only when nothing includes it.
      const reading = input.includes.find((r) =>
        path.resolve(path.dirname(r.pos.file), r.path).startsWith(farmsDir + path.sep)
      )
      sink.error(
        'SDK_NO_ENABLED_FARMS',
        'sdk',
        `unable to find any farm in conf.dispatcher.d/enabled_farms${reading ? ` (no *.farm file there for $include "${reading.path}" to read)` : ''}`,
        reading?.pos ?? { file: farmsDir, line: 1, column: 1 }
      )
    }
  }
  checkFarmIncludes(srcDir, input.includes, input.dispatcher, sink)
  checkFilters(input)
  if (input.checkImmutable !== false) checkImmutableFiles(srcDir, sink, memo, input.immutableEditsFail)
  checkVhostDirectives(srcDir, sink, memo, input.parsedApache)
}

/** `fs.readdirSync` as before the memo: a folder that exists but cannot be listed is an exception. */
function readdirOrThrow(dir: string, memo: FsMemo): string[] {
  return memo.readdir(dir) ?? fs.readdirSync(dir)
}

function checkFilters({ dispatcher, sink, filterOf }: SdkValidationInput): void {
  for (const farm of dispatcher.farms) {
    for (const rule of farm.filter ?? []) {
      const glob = rule.matchers.find((m) => m.element === 'glob')
      if (rule.type === 'allow' && glob) {
        sink.error(
          'SDK_FILTER_ALLOW_GLOB',
          'sdk',
          `filter must not use glob pattern to allow requests: farm /${farm.name}, rule /${rule.label} allows with /glob (match with /url, /path, /extension and the like instead; CVE-2016-0957)`,
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
