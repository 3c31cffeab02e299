/**
 * What decides a request for a folder (or a path below a file), per directory: core's `Options`
 * (and `ServerSignature`, `AcceptPathInfo`),
 * mod_dir's config (`DirectoryIndex`, `DirectorySlash`, `DirectoryIndexRedirect`,
 * `FallbackResource`) and mod_autoindex's (`IndexOptions`, the icon, alt, description and
 * ignore lists, header and readme names…). Each context (the server, the vhost, every section
 * that applies, in httpd's merge order) is read as its command handlers read it, then merged as
 * each module's merge function does: `merge_core_dir_configs`, `merge_dir_configs`,
 * `merge_autoindex_configs` (lists: the inner context's entries first).
 */
import type { ApacheScope, VhostSettings } from '../../../shared/config-model'
import type { SourcePos } from '../../../shared/diagnostics'
import { emptySettings, otherOccurrences } from '../config/apache/settings'
import {
  applyIndexOptions,
  applyOptions,
  indexOrderOf,
  indexRedirectOf,
  INDEX_DIRECTIVES,
  initialIndexOptions,
  initialOptions,
  IX,
  K_UNSET,
  mergeOptions,
  splitIcon,
  type IndexOptionsState,
  type OptionsState
} from '../config/apache/index-directives'
import { fnmatchTest, isMatchExp } from '../match/ap-match'

/** An icon, alt text or ignore pattern (mod_autoindex's `struct item`). */
export interface IndexItem {
  type: 'path' | 'type' | 'encoding' | null
  /** What the name, type or encoding is matched against (`ap_strcmp_match`). */
  applyTo: string
  /** The section's path with `*` after it: the file's path must match it too. */
  applyPath: string
  data: string
}

/** An `AddDescription` (`ai_desc_t`). */
export interface IndexDescription {
  pattern: string
  description: string
  fullPath: boolean
  wildcards: boolean
}

export interface AutoindexConfig {
  opts: number
  incremented: number
  decremented: number
  nameWidth: number
  nameAdjust: number
  descWidth: number
  descAdjust: number
  iconWidth: number
  iconHeight: number
  ctype: string | null
  charset: string | null
  datetimeFormat: string | null
  defaultIcon: string | null
  styleSheet: string | null
  headInsert: string | null
  header: string | null
  readme: string | null
  /** `IndexOrderDefault`: the key and direction letters, '' when not set. */
  defaultKey: string
  defaultDirection: string
  icons: IndexItem[]
  alts: IndexItem[]
  descriptions: IndexDescription[]
  ignores: IndexItem[]
  ignoreReset: boolean
}

export interface DirConfig {
  /** null: not set (mod_dir then tries index.html); empty: `DirectoryIndex disabled`. */
  indexNames: string[] | null
  slash: 'on' | 'off' | 'unset'
  checkHandler: 'on' | 'off' | 'unset'
  /** `DirectoryIndexRedirect`: a 3xx, 0 for off, null when not set. */
  redirectIndex: number | null
  fallback: string | null
}

export interface IndexSettings {
  options: OptionsState
  dir: DirConfig
  autoindex: AutoindexConfig
  /** core's ServerSignature: null when not set (off). */
  signature: 'on' | 'off' | 'email' | null
  /**
   * core's `AcceptPathInfo`: `on` lets the default handler serve a file whose URL goes on after
   * its name (`/a.css/more`); null when not set (`default`: the handler refuses it, as `off`).
   */
  acceptPathInfo: 'on' | 'off' | 'default' | null
  /** Where the directives that decided were written, for the trace. */
  where: {
    options?: SourcePos
    directoryIndex?: SourcePos
    directorySlash?: SourcePos
    checkHandler?: SourcePos
    indexOptions?: SourcePos
    acceptPathInfo?: SourcePos
  }
}

/** Whether a context holds a directive read here (so its section is walked for folders). */
export function hasIndexDirectives(s: VhostSettings): boolean {
  for (const name of READ) if (s.other[name] !== undefined) return true
  return false
}

const READ = [...INDEX_DIRECTIVES, 'ServerSignature', 'AcceptPathInfo']

/** One context: its settings, and the section it is (none for the server and a vhost). */
export interface IndexContext {
  settings: VhostSettings
  scope?: ApacheScope
}

/** The settings for a request the given contexts apply to (outer first). */
export function indexSettingsOf(contexts: readonly IndexContext[]): IndexSettings {
  let merged: IndexSettings | null = null
  for (const c of contexts) {
    const own = contextConfig(c)
    merged = merged === null ? own : mergeIndexSettings(merged, own)
  }
  return merged ?? contextConfig({ settings: EMPTY })
}

const EMPTY: VhostSettings = emptySettings()

/**
 * `cmd->path` while httpd read the section's directives: a `<Directory>` path with its slash,
 * the pattern of the other sections, `*If` for `<If>`; none outside sections.
 */
function commandPath(scope: ApacheScope | undefined): string {
  if (!scope) return ''
  switch (scope.kind) {
    case 'Directory':
      return scope.arg === '/' || scope.arg.endsWith('/') ? scope.arg : `${scope.arg}/`
    case 'If':
    case 'ElseIf':
    case 'Else':
      return '*If'
    default:
      return scope.arg
  }
}

/** Each context read once (the server's is shared by every vhost). */
const byContext = new WeakMap<VhostSettings, Map<string, IndexSettings>>()

function contextConfig(c: IndexContext): IndexSettings {
  const path = commandPath(c.scope)
  const key = `${c.scope ? 's' : 'c'}${path}`
  let known = byContext.get(c.settings)
  if (!known) byContext.set(c.settings, (known = new Map()))
  let out = known.get(key)
  if (!out) {
    out = readContext(c.settings, c.scope !== undefined, path)
    known.set(key, out)
  }
  return out
}

function readContext(settings: VhostSettings, section: boolean, path: string): IndexSettings {
  const options = initialOptions(section)
  const indexOptions: IndexOptionsState = initialIndexOptions()
  const dir: DirConfig = {
    indexNames: null,
    slash: 'unset',
    checkHandler: 'unset',
    redirectIndex: null,
    fallback: null
  }
  const lists = { icons: [] as IndexItem[], alts: [] as IndexItem[], ignores: [] as IndexItem[] }
  const descriptions: IndexDescription[] = []
  const strings: Pick<AutoindexConfig, 'defaultIcon' | 'styleSheet' | 'headInsert' | 'header' | 'readme'> = {
    defaultIcon: null,
    styleSheet: null,
    headInsert: null,
    header: null,
    readme: null
  }
  let order = { key: '', direction: '' }
  let ignoreReset = false
  const where: IndexSettings['where'] = {}
  let signature: IndexSettings['signature'] = null
  let acceptPathInfo: IndexSettings['acceptPathInfo'] = null
  // push_item: a path item without wildcards matches as a suffix.
  const push = (list: IndexItem[], type: IndexItem['type'], to: string, data: string): void => {
    list.push({
      type,
      data,
      applyPath: `${path}*`,
      applyTo: type === 'path' && !isMatchExp(to) ? `*${to}` : to
    })
  }
  const typeOf = (name: string): IndexItem['type'] =>
    name.endsWith('ByType') ? 'type' : name.endsWith('ByEncoding') ? 'encoding' : 'path'
  const target = (type: IndexItem['type'], to: string): string =>
    type === 'path' && to === '**DIRECTORY**' ? '^^DIRECTORY^^' : type === 'encoding' ? to.toLowerCase() : to
  for (const d of otherOccurrences(settings, READ)) {
    if (d.within !== undefined) continue
    const args = d.args
    switch (d.name) {
      case 'Options':
        if (applyOptions(options, args) === undefined) where.options = d.pos
        break
      case 'AcceptPathInfo': {
        const w = (args[0] ?? '').toLowerCase()
        if (w === 'on' || w === 'off' || w === 'default') acceptPathInfo = w
        where.acceptPathInfo = d.pos
        break
      }
      case 'ServerSignature': {
        const w = (args[0] ?? '').toLowerCase()
        signature = w === 'on' ? 'on' : w === 'email' ? 'email' : w === 'off' ? 'off' : signature
        break
      }
      case 'DirectoryIndex':
        // add_index: `disabled` alone empties the list; with other names it is a name.
        if (args.length === 1 && args[0].toLowerCase() === 'disabled') dir.indexNames = []
        else dir.indexNames = [...(dir.indexNames ?? []), ...args]
        where.directoryIndex = d.pos
        break
      case 'DirectorySlash':
        dir.slash = (args[0] ?? '').toLowerCase() === 'on' ? 'on' : 'off'
        where.directorySlash = d.pos
        break
      case 'DirectoryCheckHandler':
        dir.checkHandler = (args[0] ?? '').toLowerCase() === 'on' ? 'on' : 'off'
        where.checkHandler = d.pos
        break
      case 'DirectoryIndexRedirect': {
        const r = indexRedirectOf(args[0] ?? '')
        if (typeof r === 'number') dir.redirectIndex = r
        break
      }
      case 'FallbackResource':
        dir.fallback = args[0] ?? null
        break
      case 'IndexOptions':
        if (applyIndexOptions(indexOptions, args) === undefined) where.indexOptions = d.pos
        break
      case 'IndexOrderDefault': {
        const r = indexOrderOf(args[0] ?? '', args[1] ?? '')
        if (typeof r !== 'string') order = r
        break
      }
      case 'IndexIgnore':
        for (const a of args) push(lists.ignores, null, a, '')
        break
      case 'IndexIgnoreReset':
        ignoreReset = (args[0] ?? '').toLowerCase() === 'on'
        break
      case 'AddIcon':
      case 'AddIconByType':
      case 'AddIconByEncoding': {
        const type = typeOf(d.name)
        const icon = splitIcon(args[0] ?? '')
        if (typeof icon === 'string') break
        for (const to of args.slice(1)) {
          if (icon.alt !== undefined) push(lists.alts, type, target(type, to), icon.alt)
          push(lists.icons, type, target(type, to), icon.icon)
        }
        break
      }
      case 'AddAlt':
      case 'AddAltByType':
      case 'AddAltByEncoding': {
        const type = typeOf(d.name)
        for (const to of args.slice(1)) push(lists.alts, type, target(type, to), args[0])
        break
      }
      case 'AddDescription':
        for (const to of args.slice(1)) descriptions.push(description(args[0], to))
        break
      case 'HeaderName':
        strings.header = args[0] ?? null
        break
      case 'ReadmeName':
        strings.readme = args[0] ?? null
        break
      case 'DefaultIcon':
        strings.defaultIcon = args[0] ?? null
        break
      case 'IndexStyleSheet':
        strings.styleSheet = args[0] ?? null
        break
      case 'IndexHeadInsert':
        strings.headInsert = args[0] ?? null
        break
    }
  }
  const autoindex: AutoindexConfig = {
    ...autoindexFrom(indexOptions),
    ...strings,
    ...lists,
    descriptions,
    ignoreReset,
    defaultKey: order.key,
    defaultDirection: order.direction
  }
  return { options, dir, autoindex, signature, acceptPathInfo, where }
}

function autoindexFrom(o: IndexOptionsState): AutoindexConfig {
  return {
    opts: o.opts,
    incremented: o.add,
    decremented: o.remove,
    nameWidth: o.nameWidth,
    nameAdjust: o.nameAdjust,
    descWidth: o.descWidth,
    descAdjust: o.descAdjust,
    iconWidth: o.iconWidth,
    iconHeight: o.iconHeight,
    ctype: o.ctype,
    charset: o.charset,
    datetimeFormat: o.datetimeFormat,
    defaultIcon: null,
    styleSheet: null,
    headInsert: null,
    header: null,
    readme: null,
    defaultKey: '',
    defaultDirection: '',
    icons: [],
    alts: [],
    descriptions: [],
    ignores: [],
    ignoreReset: false
  }
}

/** add_desc: a pattern with wildcards (or a `/`) is matched whole, with `*` around it; else as a substring. */
function description(desc: string, to: string): IndexDescription {
  const fullPath = to.includes('/')
  const wildcards = fullPath || fnmatchTest(to)
  return {
    description: desc,
    fullPath,
    wildcards,
    pattern: wildcards ? `${fullPath ? '*/' : '*'}${to}*` : to
  }
}

function mergeIndexSettings(base: IndexSettings, add: IndexSettings): IndexSettings {
  return {
    options: mergeOptions(base.options, add.options),
    dir: {
      indexNames: add.dir.indexNames ?? base.dir.indexNames,
      slash: add.dir.slash === 'unset' ? base.dir.slash : add.dir.slash,
      checkHandler: add.dir.checkHandler === 'unset' ? base.dir.checkHandler : add.dir.checkHandler,
      redirectIndex: add.dir.redirectIndex ?? base.dir.redirectIndex,
      fallback: add.dir.fallback ?? base.dir.fallback
    },
    autoindex: mergeAutoindex(base.autoindex, add.autoindex),
    signature: add.signature ?? base.signature,
    acceptPathInfo: add.acceptPathInfo ?? base.acceptPathInfo,
    where: {
      options: add.where.options ?? base.where.options,
      directoryIndex: add.dir.indexNames ? add.where.directoryIndex : base.where.directoryIndex,
      directorySlash: add.where.directorySlash ?? base.where.directorySlash,
      checkHandler: add.where.checkHandler ?? base.where.checkHandler,
      indexOptions: add.where.indexOptions ?? base.where.indexOptions,
      acceptPathInfo: add.where.acceptPathInfo ?? base.where.acceptPathInfo
    }
  }
}

/** merge_autoindex_configs. */
function mergeAutoindex(base: AutoindexConfig, add: AutoindexConfig): AutoindexConfig {
  let opts: number
  let incremented = 0
  let decremented = 0
  if (add.opts === IX.NO_OPTIONS) opts = IX.NO_OPTIONS
  else {
    if (add.opts === IX.OPTION_UNSET) {
      incremented = (base.incremented | add.incremented) & ~add.decremented
      decremented = base.decremented | add.decremented
      // An IndexOptions None from above is not inherited under incremental settings.
      opts = base.opts & ~IX.NO_OPTIONS
    } else opts = add.opts
    opts |= incremented
    opts &= ~decremented
  }
  return {
    opts,
    incremented,
    decremented,
    nameWidth: add.nameAdjust === K_UNSET ? base.nameWidth : add.nameWidth,
    nameAdjust: add.nameAdjust === K_UNSET ? base.nameAdjust : add.nameAdjust,
    descWidth: add.descAdjust === K_UNSET ? base.descWidth : add.descWidth,
    descAdjust: add.descAdjust === K_UNSET ? base.descAdjust : add.descAdjust,
    iconWidth: add.iconWidth || base.iconWidth,
    iconHeight: add.iconHeight || base.iconHeight,
    ctype: add.ctype ?? base.ctype,
    charset: add.charset ?? base.charset,
    datetimeFormat: add.datetimeFormat ?? base.datetimeFormat,
    defaultIcon: add.defaultIcon ?? base.defaultIcon,
    styleSheet: add.styleSheet ?? base.styleSheet,
    headInsert: add.headInsert ?? base.headInsert,
    header: add.header ?? base.header,
    readme: add.readme ?? base.readme,
    defaultKey: add.defaultKey || base.defaultKey,
    defaultDirection: add.defaultDirection || base.defaultDirection,
    icons: [...add.icons, ...base.icons],
    alts: [...add.alts, ...base.alts],
    descriptions: [...add.descriptions, ...base.descriptions],
    ignores: add.ignoreReset ? add.ignores : [...add.ignores, ...base.ignores],
    ignoreReset: false
  }
}
