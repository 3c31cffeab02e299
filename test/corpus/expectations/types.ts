/**
 * The shape of one row of the corpus table: a configuration root as a real
 * `DispatcherConfig` (or the SDK, or DOT's tests) would point at it, what to load it with,
 * and what loading it must produce.
 */
import type { LoadedConfig } from '../../../src/shared/config-model'
import type { RunMode } from '../../../src/main/engine/config/loaders/environment'

/** A diagnostic the loader must report. `file` is relative to the set's folder. */
export interface ExpectedDiagnostic {
  code: string
  file: string
  /** Omitted only where the line depends on a loader limit (the include bomb). */
  line?: number
}

/**
 * Builds a throw-away tree the way the runtime would assemble it (setup scripts that link
 * `enabled_farms/`, Dockerfiles that copy files to `/etc/httpd`, a farm fragment wrapped in
 * `/farms { … }`). Paths in `from`/`copies[].from` are relative to the set's folder; `to`
 * and `write[].to` are relative to the new tree's root.
 */
export interface Assembly {
  /** Folder copied as the tree's root. */
  from?: string
  copies?: { from: string; to: string }[]
  /** Files written into the tree; `abs` turns a set-relative path into an absolute one. */
  write?: { to: string; text: (abs: (setRelative: string) => string) => string }[]
}

/** An Apache-only load (no dispatcher.any): `loadConfig` cannot start from these. */
export interface HttpdOnly {
  /** The httpd configuration file, relative to the set (or to the assembled tree). */
  file: string
  /** Folder relative paths resolve against (default: the file's folder). */
  serverRoot?: string
  /** Folder that stands for `/` of the machine the snapshot was taken from. */
  filesystemRoot?: string
}

export interface CorpusRoot {
  /** Corpus folder (`owner__repo`). */
  set: string
  /** Short human name of the root within its set; the test is named `set › label`. */
  label: string
  /** File or folder handed to `loadConfig`, relative to the set (or to the assembled tree). */
  input: string
  env?: Record<string, string>
  runMode?: RunMode
  sdkValidation?: boolean
  assemble?: Assembly
  httpd?: HttpdOnly
  /** Every diagnostic of severity `error`, exactly (order does not matter). */
  errors: ExpectedDiagnostic[]
  /**
   * Warnings that must be reported. For the codes in DEFECT_WARNING_CODES (and any code
   * listed here) the list is exact, so a valid configuration cannot gain a spurious
   * "unknown property" or "include fell back" warning unnoticed.
   */
  warnings?: ExpectedDiagnostic[]
  /** Structural assertions taken from MANIFEST.md and DOT's JUnit tests. */
  check?: (config: LoadedConfig) => void
  /** Why this root is loaded the way it is (shown in the report, not asserted). */
  note?: string
}

/** A corpus file no root reaches, with the reason it is left alone. */
export interface UnreachedFragment {
  set: string
  file: string
  reason: string
}

/**
 * Warning codes that say "this configuration is not what its author meant". For these the
 * expected list is exact; advisory warnings (no renders, no virtualhosts, …) are not checked.
 */
export const DEFECT_WARNING_CODES: ReadonlySet<string> = new Set([
  'ANY_EMPTY_NAME',
  'APACHE_INVALID_COMMAND',
  'INCLUDE_FALLBACK_ROOT',
  'INCLUDE_GLOB_EMPTY',
  'MODEL_BAD_FLAG',
  'MODEL_BAD_NUMBER',
  'MODEL_BAD_RULE_TYPE',
  'MODEL_DEPRECATED',
  'MODEL_DUPLICATE_FARM',
  'MODEL_DUPLICATE_LABEL',
  'MODEL_HEADER_PATTERN',
  'MODEL_RESERVED_LABEL',
  'MODEL_RULE_WITHOUT_GLOB',
  'MODEL_RULE_WITHOUT_TYPE',
  'MODEL_STRAY_STRING',
  'MODEL_UNKNOWN_PROPERTY',
  'MODEL_VIRTUALHOST_IPV6',
  'MODEL_VIRTUALHOST_QUOTES',
  'PITFALL_METHOD_CASE',
  'PITFALL_STICKY_CACHED',
  'PITFALL_NEVER_MATCHES',
  'PITFALL_NEVER_DECIDES',
  'VAR_UNDEFINED'
])
