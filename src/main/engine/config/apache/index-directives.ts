/**
 * The directives behind a request for a folder: core's `Options`, mod_dir's (`DirectoryIndex`,
 * `DirectorySlash`, …) and mod_autoindex's (`IndexOptions`, `AddIcon`, …), read as httpd's own
 * command handlers read them (`set_options` in core.c, `add_index`/`configure_redirect` in
 * mod_dir.c, `add_opts`/`add_icon`/`set_default_order` in mod_autoindex.c), with their start-up
 * refusals in `apache2 -t`'s words (checked against apache2 2.4.71). The runtime merges what
 * they set per directory (runtime/index-config.ts).
 */
import { atoi } from '../../c-numbers'

/** core's `Options` bits (http_core.h). */
export const OPT = {
  NONE: 0,
  INDEXES: 1,
  INCLUDES: 2,
  SYM_LINKS: 4,
  EXECCGI: 8,
  UNSET: 16,
  INC_WITH_EXEC: 32,
  SYM_OWNER: 64,
  MULTI: 128,
  ALL: 1 | 2 | 4 | 8 | 32
} as const

/** One context's `Options` as `set_options` leaves it: the bits, and the `+`/`-` ones to merge. */
export interface OptionsState {
  opts: number
  add: number
  remove: number
}

/**
 * A context's starting `Options` (create_core_dir_config): the server's and a virtual host's
 * defaults hold FollowSymLinks, a section's nothing; both are "unset", so they merge.
 */
export function initialOptions(section: boolean): OptionsState {
  return { opts: section ? OPT.UNSET : OPT.UNSET | OPT.SYM_LINKS, add: 0, remove: 0 }
}

const OPTION_WORDS: Record<string, number> = {
  indexes: OPT.INDEXES,
  includes: OPT.INCLUDES | OPT.INC_WITH_EXEC,
  includesnoexec: OPT.INCLUDES,
  followsymlinks: OPT.SYM_LINKS,
  symlinksifownermatch: OPT.SYM_OWNER,
  execcgi: OPT.EXECCGI,
  multiviews: OPT.MULTI,
  runscripts: OPT.MULTI | OPT.EXECCGI
}

const MIXED_OPTIONS = 'Either all Options must start with + or -, or no Option may.'

/** `set_options`: one `Options` line applied to its context's state; the refusal, if httpd refuses it. */
export function applyOptions(state: OptionsState, args: readonly string[]): string | undefined {
  let first = true
  let merge = false
  let allNone = false
  for (const arg of args) {
    let w = arg
    let action = ''
    if (w.startsWith('+') || w.startsWith('-')) {
      action = w[0]
      w = w.slice(1)
      if (!merge && !first && !allNone) return MIXED_OPTIONS
      merge = true
    } else if (first) state.opts = OPT.NONE
    else if (merge) return MIXED_OPTIONS
    const lower = w.toLowerCase()
    let opt: number
    if (lower in OPTION_WORDS) opt = OPTION_WORDS[lower]
    else if (lower === 'none') {
      if (!first) return "'Options None' must be the first Option given."
      if (merge) return "You may not use 'Options +None' or 'Options -None'."
      opt = OPT.NONE
      allNone = true
    } else if (lower === 'all') {
      if (!first) return "'Options All' must be the first option given."
      if (merge) return "You may not use 'Options +All' or 'Options -All'."
      opt = OPT.ALL
      allNone = true
    } else return `Illegal option ${w}`
    if (action === '-') {
      state.remove |= opt
      state.add &= ~opt
      state.opts &= ~opt
    } else if (action === '+') {
      state.add |= opt
      state.remove &= ~opt
      state.opts |= opt
    } else state.opts |= opt
    first = false
  }
  return undefined
}

/** merge_core_dir_configs for the options: a context that set them explicitly replaces, else its +/- merge. */
export function mergeOptions(base: OptionsState, add: OptionsState): OptionsState {
  if (!(add.opts & OPT.UNSET)) return { ...add }
  const plus = (base.add & ~add.remove) | add.add
  const minus = (base.remove & ~add.add) | add.remove
  let opts = (base.opts & ~minus) | plus
  const withExec = OPT.INCLUDES | OPT.INC_WITH_EXEC
  if ((base.opts & withExec) === withExec && (add.opts & withExec) === OPT.INCLUDES) opts &= ~OPT.INC_WITH_EXEC
  return { opts, add: plus, remove: minus }
}

/** mod_autoindex's option bits (mod_autoindex.c, 2.4). */
export const IX = {
  NO_OPTIONS: 1 << 0,
  ICONS_ARE_LINKS: 1 << 1,
  SCAN_HTML_TITLES: 1 << 2,
  SUPPRESS_ICON: 1 << 3,
  SUPPRESS_LAST_MOD: 1 << 4,
  SUPPRESS_SIZE: 1 << 5,
  SUPPRESS_DESC: 1 << 6,
  SUPPRESS_PREAMBLE: 1 << 7,
  SUPPRESS_COLSORT: 1 << 8,
  SUPPRESS_RULES: 1 << 9,
  FOLDERS_FIRST: 1 << 10,
  VERSION_SORT: 1 << 11,
  TRACK_MODIFIED: 1 << 12,
  FANCY_INDEXING: 1 << 13,
  TABLE_INDEXING: 1 << 14,
  IGNORE_CLIENT: 1 << 15,
  IGNORE_CASE: 1 << 16,
  EMIT_XHTML: 1 << 17,
  SHOW_FORBIDDEN: 1 << 18,
  ADDALTCLASS: 1 << 19,
  OPTION_UNSET: 1 << 20
} as const

/** NameWidth / DescriptionWidth: fixed, `*` (as wide as the longest), or not set here. */
export const K_NOADJUST = 0
export const K_ADJUST = 1
export const K_UNSET = 2

export const DEFAULT_ICON_WIDTH = 20
export const DEFAULT_ICON_HEIGHT = 22
export const DEFAULT_NAME_WIDTH = 23
export const DEFAULT_DESC_WIDTH = 23

/** What `IndexOptions` lines set in one context (part of autoindex_config_rec). */
export interface IndexOptionsState {
  opts: number
  add: number
  remove: number
  iconWidth: number
  iconHeight: number
  nameWidth: number
  nameAdjust: number
  descWidth: number
  descAdjust: number
  ctype: string | null
  charset: string | null
  datetimeFormat: string | null
}

export function initialIndexOptions(): IndexOptionsState {
  return {
    opts: IX.OPTION_UNSET,
    add: 0,
    remove: 0,
    iconWidth: 0,
    iconHeight: 0,
    nameWidth: DEFAULT_NAME_WIDTH,
    nameAdjust: K_UNSET,
    descWidth: DEFAULT_DESC_WIDTH,
    descAdjust: K_UNSET,
    ctype: null,
    charset: null,
    datetimeFormat: null
  }
}

const INDEX_WORDS: Record<string, number> = {
  fancyindexing: IX.FANCY_INDEXING,
  foldersfirst: IX.FOLDERS_FIRST,
  htmltable: IX.TABLE_INDEXING,
  iconsarelinks: IX.ICONS_ARE_LINKS,
  ignorecase: IX.IGNORE_CASE,
  ignoreclient: IX.IGNORE_CLIENT,
  scanhtmltitles: IX.SCAN_HTML_TITLES,
  suppresscolumnsorting: IX.SUPPRESS_COLSORT,
  suppressdescription: IX.SUPPRESS_DESC,
  suppresshtmlpreamble: IX.SUPPRESS_PREAMBLE,
  suppressicon: IX.SUPPRESS_ICON,
  suppresslastmodified: IX.SUPPRESS_LAST_MOD,
  suppresssize: IX.SUPPRESS_SIZE,
  suppressrules: IX.SUPPRESS_RULES,
  trackmodified: IX.TRACK_MODIFIED,
  versionsort: IX.VERSION_SORT,
  xhtml: IX.EMIT_XHTML,
  showforbidden: IX.SHOW_FORBIDDEN,
  addaltclass: IX.ADDALTCLASS
}

/** C's atoi: leading blanks, a sign, digits; 0 when there are none. */
/**
 * `NameWidth`/`DescriptionWidth` in IndexOptions: `-X` restores the default, `X=*` fits the
 * column to the longest entry (keeping the width), `X=n` sets it. An error text when httpd refuses it.
 */
function columnWidth(
  word: string,
  name: string,
  action: string,
  defaultWidth: number,
  least: number
): { width?: number; adjust: number } | string {
  if (!word.includes('=')) {
    if (action !== '-') return `${name} with no value may only appear as '-${name}'`
    return { width: defaultWidth, adjust: K_NOADJUST }
  }
  if (action === '-') return `Cannot combine '-' with ${name}=n`
  const value = word.slice(name.length + 1)
  if (value[0] === '*') return { adjust: K_ADJUST }
  const width = atoi(value)
  if (width && width < least) return `${name} value must be greater than ${least}`
  return { width, adjust: K_NOADJUST }
}

/** `add_opts`: one `IndexOptions` line applied to its context's state; the refusal, if httpd refuses it. */
export function applyIndexOptions(state: IndexOptionsState, args: readonly string[]): string | undefined {
  let { opts, add, remove } = state
  for (const arg of args) {
    let w = arg
    let action = ''
    if (w.startsWith('+') || w.startsWith('-')) {
      action = w[0]
      w = w.slice(1)
    }
    const lower = w.toLowerCase()
    let option = 0
    if (lower in INDEX_WORDS) option = INDEX_WORDS[lower]
    else if (lower === 'none') {
      if (action !== '') return "Cannot combine '+' or '-' with 'None' keyword"
      opts = IX.NO_OPTIONS
      add = 0
      remove = 0
    } else if (lower === 'iconwidth') state.iconWidth = action !== '-' ? DEFAULT_ICON_WIDTH : 0
    else if (lower.startsWith('iconwidth=')) {
      if (action === '-') return "Cannot combine '-' with IconWidth=n"
      state.iconWidth = atoi(w.slice(10))
    } else if (lower === 'iconheight') state.iconHeight = action !== '-' ? DEFAULT_ICON_HEIGHT : 0
    else if (lower.startsWith('iconheight=')) {
      if (action === '-') return "Cannot combine '-' with IconHeight=n"
      state.iconHeight = atoi(w.slice(11))
    } else if (lower === 'namewidth' || lower.startsWith('namewidth=')) {
      const col = columnWidth(w, 'NameWidth', action, DEFAULT_NAME_WIDTH, 5)
      if (typeof col === 'string') return col
      state.nameWidth = col.width ?? state.nameWidth
      state.nameAdjust = col.adjust
    } else if (lower === 'descriptionwidth' || lower.startsWith('descriptionwidth=')) {
      const col = columnWidth(w, 'DescriptionWidth', action, DEFAULT_DESC_WIDTH, 12)
      if (typeof col === 'string') return col
      state.descWidth = col.width ?? state.descWidth
      state.descAdjust = col.adjust
    } else if (lower.startsWith('type=')) state.ctype = w.slice(5)
    else if (lower.startsWith('charset=')) state.charset = w.slice(8)
    else if (lower === 'useolddateformat') state.datetimeFormat = '%d-%b-%Y %H:%M'
    else return 'Invalid directory indexing option'
    if (action === '') {
      opts |= option
      add = 0
      remove = 0
    } else if (action === '+') {
      add |= option
      remove &= ~option
    } else {
      remove |= option
      add &= ~option
    }
  }
  if (opts & IX.NO_OPTIONS && opts & ~IX.NO_OPTIONS) return "Cannot combine other IndexOptions keywords with 'None'"
  state.opts = opts
  state.add = add
  state.remove = remove
  return undefined
}

/** `DirectoryIndexRedirect`'s status (0: off); a string is httpd's refusal. */
export function indexRedirectOf(arg: string): number | string {
  const lower = arg.toLowerCase()
  if (lower === 'on') return 302
  if (lower === 'off') return 0
  if (lower === 'permanent') return 301
  if (lower === 'temp') return 302
  if (lower === 'seeother') return 303
  if (/^\d/.test(arg)) {
    const status = atoi(arg)
    return status >= 300 && status < 400 ? status : 'DirectoryIndexRedirect only accepts values between 300 and 399'
  }
  return 'DirectoryIndexRedirect ON|OFF|permanent|temp|seeother|3xx'
}

/** `IndexOrderDefault`'s key and direction letters; a string is httpd's refusal. */
export function indexOrderOf(direction: string, key: string): { key: string; direction: string } | string {
  const d = direction.toLowerCase()
  const dir = d === 'ascending' ? 'A' : d === 'descending' ? 'D' : null
  if (!dir) return "First keyword must be 'Ascending' or 'Descending'"
  const k = ({ name: 'N', date: 'M', size: 'S', description: 'D' } as Record<string, string>)[key.toLowerCase()]
  if (!k) return "Second keyword must be 'Name', 'Date', 'Size', or 'Description'"
  return { key: k, direction: dir }
}

/** An `AddIcon`-style icon argument: `(ALT,/icons/x.gif)` gives an alt text too. */
export function splitIcon(icon: string): { icon: string; alt?: string } | string {
  if (!icon.startsWith('(')) return { icon }
  const close = icon.indexOf(')')
  if (close < 0) return 'missing closing paren'
  const comma = icon.indexOf(',')
  // ap_getword_nc(…, ','): the alt text is a copy up to the first comma (all of it without one);
  // the icon is what follows the commas, cut at the paren when the paren comes after them.
  if (comma < 0) return { alt: icon.slice(1), icon: '' }
  let from = comma
  while (icon[from] === ',') from++
  return { alt: icon.slice(1, comma), icon: close > comma ? icon.slice(from, Math.max(from, close)) : icon.slice(from) }
}

type Shape =
  | { kind: 'flag' }
  | { kind: 'take1'; usage: string }
  | { kind: 'take2'; usage: string }
  | { kind: 'iterate'; usage: string }
  | { kind: 'iterate2'; usage: string }
  | { kind: 'raw' }
  | { kind: 'deprecated'; message: string }

/** The directives read here and how httpd's config reader takes their arguments (command_rec). */
const SHAPES: Record<string, Shape> = {
  Options: { kind: 'raw' },
  DirectoryIndex: { kind: 'raw' },
  DirectorySlash: { kind: 'flag' },
  DirectoryCheckHandler: { kind: 'flag' },
  DirectoryIndexRedirect: { kind: 'take1', usage: 'On, Off, or a 3xx status code.' },
  FallbackResource: { kind: 'take1', usage: 'Set a default handler' },
  IndexOptions: { kind: 'raw' },
  IndexOrderDefault: { kind: 'take2', usage: '{Ascending,Descending} {Name,Size,Description,Date}' },
  IndexIgnore: { kind: 'iterate', usage: 'one or more file extensions' },
  IndexIgnoreReset: { kind: 'flag' },
  AddIcon: { kind: 'iterate2', usage: 'an icon URL followed by one or more filenames' },
  AddIconByType: { kind: 'iterate2', usage: 'an icon URL followed by one or more MIME types' },
  AddIconByEncoding: { kind: 'iterate2', usage: 'an icon URL followed by one or more content encodings' },
  AddAlt: { kind: 'iterate2', usage: 'alternate descriptive text followed by one or more filenames' },
  AddAltByType: { kind: 'iterate2', usage: 'alternate descriptive text followed by one or more MIME types' },
  AddAltByEncoding: {
    kind: 'iterate2',
    usage: 'alternate descriptive text followed by one or more content encodings'
  },
  AddDescription: { kind: 'iterate2', usage: 'Descriptive text followed by one or more filenames' },
  HeaderName: { kind: 'take1', usage: 'a filename' },
  ReadmeName: { kind: 'take1', usage: 'a filename' },
  DefaultIcon: { kind: 'take1', usage: 'an icon URL' },
  IndexStyleSheet: { kind: 'take1', usage: 'URL to style sheet' },
  IndexHeadInsert: { kind: 'take1', usage: 'String to insert in HTML HEAD section' },
  FancyIndexing: {
    kind: 'deprecated',
    message: 'The FancyIndexing directive is no longer supported. Use IndexOptions FancyIndexing.'
  }
}

/** Whether a directive is one of those read here (canonical spelling). */
export function isIndexDirective(name: string): boolean {
  return name in SHAPES
}

/** The names of the directives read here. */
export const INDEX_DIRECTIVES: readonly string[] = Object.keys(SHAPES)

/** A context's `Options` and `IndexOptions` so far: their refusals depend on the lines before. */
export interface IndexDirectiveState {
  options: OptionsState
  indexOptions: IndexOptionsState
}

export function initialIndexDirectiveState(section: boolean): IndexDirectiveState {
  return { options: initialOptions(section), indexOptions: initialIndexOptions() }
}

/**
 * What `apache2 -t` says about this line, undefined when httpd takes it. `state` is the
 * context's, updated with the line when it is taken.
 */
export function indexDirectiveError(
  name: string,
  args: readonly string[],
  state: IndexDirectiveState
): string | undefined {
  const shape = SHAPES[name]
  if (!shape) return undefined
  switch (shape.kind) {
    case 'deprecated':
      return shape.message
    case 'flag': {
      // The FLAG reader takes the first word only.
      const w = (args[0] ?? '').toLowerCase()
      return w === 'on' || w === 'off' ? undefined : `${name} must be On or Off`
    }
    case 'take1':
      if (args.length !== 1) return `${name} takes one argument, ${shape.usage}`
      if (name === 'DirectoryIndexRedirect') {
        const r = indexRedirectOf(args[0])
        return typeof r === 'string' ? r : undefined
      }
      return undefined
    case 'take2': {
      if (args.length !== 2) return `${name} takes two arguments, ${shape.usage}`
      const r = indexOrderOf(args[0], args[1])
      return typeof r === 'string' ? r : undefined
    }
    case 'iterate':
      return args.length < 1 ? `${name} requires at least one argument, ${shape.usage}` : undefined
    case 'iterate2': {
      if (args.length < 2) return `${name} requires at least two arguments, ${shape.usage}`
      if (name.startsWith('AddIcon')) {
        const icon = splitIcon(args[0])
        if (typeof icon === 'string') return icon
      }
      return undefined
    }
    case 'raw':
      if (name === 'Options') {
        const next = { ...state.options }
        const error = applyOptions(next, args)
        if (!error) state.options = next
        return error
      }
      if (name === 'IndexOptions') {
        const next = { ...state.indexOptions }
        const error = applyIndexOptions(next, args)
        if (!error) state.indexOptions = next
        return error
      }
      return undefined
  }
}
