/**
 * mod_autoindex's listing of a folder, byte for byte as httpd 2.4 writes it (`index_directory`,
 * `make_parent_entry`, `make_autoindex_entry`, `dsortf`, `output_directories`, `emit_head`,
 * `emit_tail` in mod_autoindex.c): the plain `<ul>` list, FancyIndexing's `<pre>` columns and the
 * HTMLTable, with icons, alt texts, descriptions, IndexIgnore, the sort the query asks for
 * (`?C=M;O=D`, `F=`, `V=`, `P=`), widths and the rest of IndexOptions.
 *
 * Pure: what needs the file system or the request's configuration (each entry's subrequest, the
 * header and readme files) is asked of the caller. Strings are byte strings (one character per
 * byte), as httpd handles names: a UTF-8 name counts its bytes in widths and sorts by them.
 */
import type { AutoindexConfig, IndexItem } from '../runtime/index-config'
import { IX, K_ADJUST } from '../config/apache/index-directives'
import { strcasecmpBytes, strcasecmpMatch, strcmpBytes, strcmpMatch, strnatcmp } from '../match/ap-match'
import { fnmatch } from '../apache-expr'
import { escapeUri, unescapeBytes } from '../apache-expr/uri-escape'
import { escapeHtml } from './apache-errors'
import { WRITE_BUFFER } from './write-buffer'

/** A name the folder holds (`apr_dir_read`, links followed). */
export interface Dirent {
  name: string
  dir: boolean
}

/** What the entry's subrequest found (`ap_sub_req_lookup_dirent`). */
export interface EntryFacts {
  /** `rr->filename`. */
  filename: string
  /** `rr->content_type` (mod_mime), null when none. */
  contentType: string | null
  contentEncoding: string | null
  size: number
  /** Modification time, microseconds since the epoch. */
  mtime: number
  /** ScanHTMLTitles: the `<title>` of the file (`find_title`), asked only when needed. */
  title?: () => string | null
}

/** A header or readme file the caller found: text/html is inserted as it is, other text/* in a `<pre>`. */
export interface Insert {
  html: boolean
  /** The file's bytes. */
  body: string
}

export interface ListingRequest {
  config: AutoindexConfig
  /** `r->uri` (decoded). */
  uri: string
  /** `r->filename`, ending with `/`. */
  filename: string
  /** `r->args`. */
  args: string | null
  /** The folder's entries, in any order. */
  dirents: readonly Dirent[]
  /** The entry's subrequest: null when httpd leaves it out (refused, neither file nor folder). */
  lookup: (d: Dirent) => EntryFacts | null
  /** `HeaderName`'s file as the caller found it (null when none answers). */
  header: Insert | null
  readme: Insert | null
  /** `ap_psignature("", r)`: empty when ServerSignature is off. */
  signature: string
  /** The local time of a moment (µs), as apr_time_exp_lt gives it; local time of this process by default. */
  localTime?: (us: number) => LocalTime
}

export interface LocalTime {
  year: number
  /** 1–12 */
  month: number
  day: number
  hour: number
  minute: number
}

export interface Listing {
  /** The page, a byte string. */
  body: string
  /** The Content-Type mod_autoindex sets. */
  contentType: string
  /** The options in effect for this request (after the query's `F=` and `V=`). */
  opts: number
  /**
   * httpd wrote the page in more than one pass (more than 8000 bytes, or a header or readme
   * file sent by its own subrequest): the content-length filter then gives no Content-Length.
   */
  streamed: boolean
  /**
   * The first pass happened while the header was emitted: emit_head takes `Accept-Encoding` out
   * of the request (and sets `Accept`) meanwhile, so mod_deflate, deciding on its first pass,
   * finds no gzip accepted (the HTML header's subrequest, or a text header over 8000 bytes).
   */
  headerPass: boolean
  /** How the entries were sorted, for the trace (`N`, `M`, `S`, `D` and `A`/`D`). */
  key: string
  direction: string
  /** Entries listed (the parent included). */
  count: number
}

const DOCTYPE_HTML_4_01 = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
const DOCTYPE_XHTML_1_0T =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'

interface Ent {
  name: string
  icon: string | null
  alt: string | null
  desc: string | null
  size: number
  lm: number
  ascending: boolean
  ignoreCase: boolean
  versionSort: boolean
  isdir: boolean
  key: string
}

/** What the query string asks for (`index_directory`'s parser): sort key, direction, format, pattern. */
export interface ListingQuery {
  key: string
  direction: string
  opts: number
  pattern: string | null
  /** What the column links carry on (`;F=1;V=1;P=…`). */
  colargs: string
}

export function listingQuery(config: AutoindexConfig, args: string | null): ListingQuery {
  let key = config.defaultKey || 'N'
  let direction = config.defaultDirection || 'A'
  let opts = config.opts
  if (opts & IX.IGNORE_CLIENT) return { key, direction, opts: opts | IX.SUPPRESS_COLSORT, pattern: null, colargs: '' }
  let fval = ''
  let vval = ''
  let ppre = ''
  let epattern = ''
  let pattern: string | null = null
  let q = args ?? ''
  let i = 0
  const ends = (at: number): boolean => at >= q.length || q[at] === '&' || q[at] === ';'
  const step = (): number => (i + 3 < q.length ? 4 : 3)
  while (q !== null && i < q.length) {
    const c0 = q[i]
    const c1 = q[i + 1]
    const c2 = q[i + 2]
    if (c0 === 'C' && c1 === '=' && c2 !== undefined && 'NMSD'.includes(c2) && ends(i + 3)) {
      key = c2
      i += step()
    } else if (c0 === 'O' && c1 === '=' && (c2 === 'A' || c2 === 'D') && ends(i + 3)) {
      direction = c2
      i += step()
    } else if (c0 === 'F' && c1 === '=' && c2 !== undefined && '012'.includes(c2) && ends(i + 3)) {
      if (c2 === '0') opts &= ~(IX.FANCY_INDEXING | IX.TABLE_INDEXING)
      else if (c2 === '1') opts = (opts | IX.FANCY_INDEXING) & ~IX.TABLE_INDEXING
      else opts |= IX.FANCY_INDEXING | IX.TABLE_INDEXING
      fval = `;F=${c2}`
      i += step()
    } else if (c0 === 'V' && c1 === '=' && (c2 === '0' || c2 === '1') && ends(i + 3)) {
      if (c2 === '0') opts &= ~IX.VERSION_SORT
      else opts |= IX.VERSION_SORT
      vval = `;V=${c2}`
      i += step()
    } else if (c0 === 'P' && c1 === '=') {
      const start = i + 2
      let eos = start
      while (eos < q.length && q[eos] !== '&' && q[eos] !== ';') eos++
      if (eos === start) pattern = null
      else {
        const raw = unescapeBytes(q.slice(start, eos))
        if (raw.badEscape || raw.forbidden) pattern = null
        else {
          pattern = raw.value
          ppre = ';P='
          epattern = escapePath(raw.value, true)
        }
      }
      if (eos < q.length && eos + 1 < q.length) i = eos + 1
      else q = ''
    } else q = ''
  }
  return { key, direction, opts, pattern, colargs: fval + vval + ppre + epattern }
}

/** `ap_os_escape_path` (`partial` false: a colon before any slash gets `./` in front). */
export function escapePath(s: string, partial: boolean): string {
  if (!partial) {
    const colon = s.indexOf(':')
    const slash = s.indexOf('/')
    if (colon >= 0 && (slash < 0 || colon < slash)) return './' + escapeUri(s)
  }
  return escapeUri(s)
}

/** `find_item`: the first item (inner sections' first) whose path and name, type or encoding match. */
function findItem(
  list: readonly IndexItem[],
  path: string,
  contentType: string | null,
  contentEncoding: string | null,
  pathOnly: boolean
): string | null {
  const special = path.startsWith('^')
  for (const p of list) {
    if (!special && !strcmpMatch(path, p.applyPath)) continue
    if (!p.applyTo) return p.data
    if (p.type === 'path' || special) {
      if (strcmpMatch(path, p.applyTo)) return p.data
    } else if (!pathOnly) {
      if (!contentEncoding) {
        if (p.type === 'type' && contentType && strcasecmpMatch(contentType, p.applyTo)) return p.data
      } else if (p.type === 'encoding' && strcasecmpMatch(contentEncoding, p.applyTo)) return p.data
    }
  }
  return null
}

/** `ap_field_noparam`: the type without its parameters (and the blanks before them). */
function noParam(type: string | null): string | null {
  if (type === null) return null
  const semi = type.indexOf(';')
  return semi < 0 ? type : type.slice(0, semi).replace(/[ \t]+$/, '')
}

/** `find_desc`: the first AddDescription whose pattern matches the name (or the path, for a pattern with `/`). */
function findDescription(config: AutoindexConfig, full: string): string | null {
  const only = full.slice(full.lastIndexOf('/') + 1)
  for (const d of config.descriptions) {
    const name = d.fullPath ? full : only
    const found = d.wildcards ? fnmatch(d.pattern, name) : name.includes(d.pattern)
    if (found) return d.description
  }
  return null
}

/** `ignore_entry`: an IndexIgnore pattern matches the name (its last component), within the section's path. */
export function ignoredEntry(config: AutoindexConfig, path: string): boolean {
  const tt = path.slice(path.lastIndexOf('/') + 1)
  for (const p of config.ignores) {
    const ap = p.applyTo.slice(p.applyTo.lastIndexOf('/') + 1)
    if (strcmpMatch(path, p.applyPath) && strcmpMatch(tt, ap)) return true
  }
  return false
}

/** `apr_fnmatch(pattern, name, APR_FNM_NOESCAPE | APR_FNM_PERIOD)`: the `P=` filter. */
function patternMatches(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false
  return fnmatch(pattern.replace(/\\/g, '\\\\'), name)
}

/** `ap_normalize_path(…, AP_NORMALIZE_ALLOW_RELATIVE | AP_NORMALIZE_NOT_ABOVE_ROOT)`; null when it fails. */
function normalizePath(p: string): string | null {
  const out: string[] = []
  const parts = p.split('/')
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i]
    const last = i === parts.length - 1
    if (seg === '.' && i > 0) {
      if (last) out.push('')
      continue
    }
    if (seg === '..' && i > 0) {
      if (out.length <= 1) return null
      out.pop()
      if (last) out.push('')
      continue
    }
    out.push(seg)
  }
  return out.join('/')
}

/** `apr_strfsize`: four characters. */
export function strfsize(size: number): string {
  if (size < 0) return '  - '
  if (size < 973) return `${String(size).padStart(3, ' ')} `.slice(0, 4)
  const ord = 'KMGTPE'
  let o = 0
  for (;;) {
    let remain = size % 1024
    size = Math.floor(size / 1024)
    if (size >= 973) {
      ++o
      continue
    }
    if (size < 9 || (size === 9 && remain < 973)) {
      remain = Math.floor((remain * 5 + 256) / 512)
      if (remain >= 10) {
        ++size
        remain = 0
      }
      return `${size}.${remain}${ord[o]}`.slice(0, 4)
    }
    if (remain >= 512) ++size
    return `${String(size).padStart(3, ' ')}${ord[o]}`.slice(0, 4)
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function processLocalTime(us: number): LocalTime {
  const d = new Date(Math.floor(us / 1000))
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes()
  }
}

/** `apr_strftime` with the two formats mod_autoindex uses. */
function formatTime(t: LocalTime, old: boolean): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return old
    ? `${two(t.day)}-${MONTHS[t.month - 1]}-${t.year} ${two(t.hour)}:${two(t.minute)}`
    : `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}`
}

/** `do_emit_plain`: a text file in a `<pre>`, `<`, `>` and `&` escaped (a NUL ends what is left of its run). */
function emitPlain(body: string): string {
  let out = '<pre>\n'
  let c = 0
  while (c < body.length) {
    let i = c
    while (i < body.length && body[i] !== '<' && body[i] !== '>' && body[i] !== '&') i++
    const run = body.slice(c, i)
    const nul = run.indexOf('\0')
    out += nul < 0 ? run : run.slice(0, nul)
    if (i < body.length) out += body[i] === '<' ? '&lt;' : body[i] === '>' ? '&gt;' : '&amp;'
    c = i + 1
  }
  return out + '</pre>\n'
}

/** `terminate_description`: the description cut to its width (tags and entities not counted). */
function terminateDescription(config: AutoindexConfig, desc: string, opts: number, width: number): string {
  let maxsize = width
  if (config.descAdjust === 2) {
    if (opts & IX.SUPPRESS_ICON) maxsize += 6
    if (opts & IX.SUPPRESS_LAST_MOD) maxsize += 19
    if (opts & IX.SUPPRESS_SIZE) maxsize += 7
  }
  let x = 0
  for (; x < desc.length && (maxsize > 0 || desc[x] === '<'); x++) {
    if (desc[x] === '<') {
      while (desc[x] !== '>') {
        if (x >= desc.length) {
          maxsize = 0
          break
        }
        ++x
      }
    } else if (desc[x] === '&') {
      --maxsize
      for (; desc[x] !== ';'; ++x) {
        if (x >= desc.length) {
          maxsize = 0
          break
        }
      }
    } else --maxsize
  }
  if (!maxsize && x < desc.length) return `${desc.slice(0, x - 1)}>`
  return desc
}

/** `dsortf`: the parent first, folders first with FoldersFirst, then by the key, names breaking ties. */
function compareEntries(e1: Ent, e2: Ent): number {
  if (e1.name[0] === '/' && e2.name[0] === '/') return 0
  if (e1.name[0] === '/') return -1
  if (e2.name[0] === '/') return 1
  if (e1.isdir !== e2.isdir) return e1.isdir ? -1 : 1
  const [c1, c2] = e1.ascending ? [e1, e2] : [e2, e1]
  let result = 0
  switch (c1.key) {
    case 'M':
      if (c1.lm > c2.lm) return 1
      if (c1.lm < c2.lm) return -1
      break
    case 'S':
      if (c1.size > c2.size) return 1
      if (c1.size < c2.size) return -1
      break
    case 'D':
      result = c1.versionSort ? strnatcmp(c1.desc ?? '', c2.desc ?? '') : strcmpBytes(c1.desc ?? '', c2.desc ?? '')
      if (result) return result
      break
  }
  if (c1.versionSort) {
    if (c1.ignoreCase) result = strnatcmp(c1.name, c2.name, true)
    if (!result) result = strnatcmp(c1.name, c2.name)
  }
  if (!result && c1.ignoreCase) result = strcasecmpBytes(c1.name, c2.name)
  if (!result) result = strcmpBytes(c1.name, c2.name)
  return result
}

/** The page for a folder, as `index_directory` writes it. */
export function renderListing(req: ListingRequest): Listing {
  const d = req.config
  const q = listingQuery(d, req.args)
  const opts = q.opts
  const { key, direction } = q
  const ctype = d.ctype ?? 'text/html'
  const charset = d.charset ?? 'ISO-8859-1'
  const contentType = charset ? `${ctype};charset=${charset}` : ctype
  const localTime = req.localTime ?? processLocalTime
  const xhtml = (opts & IX.EMIT_XHTML) !== 0
  const out: string[] = []
  let streamed = false
  const put = (...parts: string[]): void => {
    for (const p of parts) out.push(p)
  }

  let title = escapeHtml(req.uri)
  while (title.length > 1 && title.endsWith('/')) title = title.slice(0, -1)

  // emit_head
  const preamble = (): void => {
    if (xhtml)
      put(
        DOCTYPE_XHTML_1_0T,
        '<html xmlns="http://www.w3.org/1999/xhtml">\n <head>\n  <title>Index of ',
        title,
        '</title>\n'
      )
    else put(DOCTYPE_HTML_4_01, '<html>\n <head>\n  <title>Index of ', title, '</title>\n')
    if (d.styleSheet !== null)
      put('  <link rel="stylesheet" href="', d.styleSheet, '" type="text/css"', xhtml ? ' />\n' : '>\n')
    if (d.headInsert !== null) put(d.headInsert)
    put(' </head>\n <body>\n')
  }
  const suppressAmble = (opts & IX.SUPPRESS_PREAMBLE) !== 0
  let emitAmble = true
  let emitH1 = true
  if (req.header?.html) {
    emitAmble = false
    emitH1 = false
    if (!suppressAmble) preamble()
    put(req.header.body)
    streamed = true
  } else if (req.header) {
    preamble()
    emitAmble = false
    put(emitPlain(req.header.body))
    emitH1 = false
  }
  const headerPass = streamed || out.reduce((n, p) => n + p.length, 0) > WRITE_BUFFER
  if (emitAmble) preamble()
  if (emitH1) {
    if (d.styleSheet !== null) put('  <h1 id="indextitle">Index of ', title, '</h1>\n')
    else put('<h1>Index of ', title, '</h1>\n')
  }

  const fancy = (opts & (IX.FANCY_INDEXING | IX.TABLE_INDEXING)) !== 0
  const entries: Ent[] = []
  const parent = parentEntry(req, opts, key, direction)
  if (parent) entries.push(parent)
  for (const dirent of req.dirents) {
    const e = autoindexEntry(req, dirent, opts, key, direction, q.pattern, fancy)
    if (e) entries.push(e)
  }
  entries.sort(compareEntries)
  outputDirectories(put, entries, d, opts, key, direction, q.colargs, localTime)

  // emit_tail
  let suppressSig = false
  let suppressPost = false
  if (req.readme?.html) {
    put(req.readme.body)
    suppressSig = true
    suppressPost = suppressAmble
    streamed = true
  } else if (req.readme) {
    put(emitPlain(req.readme.body))
    suppressSig = true
  }
  if (!suppressSig) put(req.signature)
  if (!suppressPost) put('</body></html>\n')

  const body = out.join('')
  return {
    body,
    contentType,
    opts,
    streamed: streamed || body.length > WRITE_BUFFER,
    headerPass,
    key,
    direction,
    count: entries.length
  }
}

/** A listing entry before its icon, alt, description, size and date are known. */
function newEnt(name: string, opts: number, key: string, direction: string, ignoreCase: boolean): Ent {
  return {
    name,
    icon: null,
    alt: null,
    desc: null,
    size: -1,
    lm: -1,
    ascending: direction.toUpperCase() === 'A',
    ignoreCase,
    versionSort: (opts & IX.VERSION_SORT) !== 0,
    isdir: false,
    key: key.toUpperCase()
  }
}

/** A folder's icon or alt (find_item with path_only): its own, else the `^^DIRECTORY^^` one. */
function folderItem(list: readonly IndexItem[], path: string): string | null {
  return findItem(list, path, null, null, true) ?? findItem(list, '^^DIRECTORY^^', null, null, true)
}

function parentEntry(req: ListingRequest, opts: number, key: string, direction: string): Ent | null {
  const d = req.config
  const name = normalizePath(req.uri.endsWith('/') ? `${req.uri}../` : `${req.uri}/../`)
  if (name === null || name === '') return null
  // IndexIgnore has always compared "/thispath/..".
  const testpath = req.filename.endsWith('/') ? `${req.filename}..` : `${req.filename}/..`
  if (ignoredEntry(d, testpath)) return null
  const p = newEnt(name, opts, key, direction, false)
  if (opts & IX.FANCY_INDEXING) {
    p.icon = folderItem(d.icons, testpath)
    p.alt = folderItem(d.alts, testpath) ?? 'PARENTDIR'
    p.desc = findDescription(d, testpath)
  }
  return p
}

function autoindexEntry(
  req: ListingRequest,
  dirent: Dirent,
  opts: number,
  key: string,
  direction: string,
  pattern: string | null,
  fancy: boolean
): Ent | null {
  const d = req.config
  if (dirent.name === '.' || dirent.name === '..') return null
  if (pattern !== null && !patternMatches(pattern, dirent.name)) return null
  if (ignoredEntry(d, req.filename + dirent.name)) return null
  const rr = req.lookup(dirent)
  if (!rr) return null
  const p = newEnt(dirent.dir ? `${dirent.name}/` : dirent.name, opts, key, direction, (opts & IX.IGNORE_CASE) !== 0)
  if (fancy) {
    p.lm = rr.mtime
    let filename = rr.filename
    if (dirent.dir) {
      if (opts & IX.FOLDERS_FIRST) p.isdir = true
      // The folder's path without its slash (1.3 compat).
      filename = filename.slice(0, filename.lastIndexOf('/') + 1).slice(0, -1)
      p.icon = folderItem(d.icons, filename)
      p.alt = folderItem(d.alts, filename) ?? 'DIR'
    } else {
      const type = noParam(rr.contentType)
      p.icon = findItem(d.icons, filename, type, rr.contentEncoding, false)
      p.alt = findItem(d.alts, filename, type, rr.contentEncoding, false)
      p.size = rr.size
    }
    p.desc = findDescription(d, filename)
    if (p.desc === null && opts & IX.SCAN_HTML_TITLES) p.desc = rr.title?.() ?? null
  }
  if (key === 'M' && p.lm < 0) p.lm = 0
  return p
}

function outputDirectories(
  put: (...parts: string[]) => void,
  ar: Ent[],
  d: AutoindexConfig,
  opts: number,
  keyid: string,
  direction: string,
  colargs: string,
  localTime: (us: number) => LocalTime
): void {
  const staticColumns = (opts & IX.SUPPRESS_COLSORT) !== 0
  const xhtml = (opts & IX.EMIT_XHTML) !== 0
  const styled = d.styleSheet !== null
  let nameWidth = d.nameWidth
  let descWidth = d.descWidth
  const oldDates = d.datetimeFormat !== null
  if ((opts & (IX.FANCY_INDEXING | IX.TABLE_INDEXING)) === IX.FANCY_INDEXING) {
    if (d.nameAdjust === K_ADJUST) for (const e of ar) nameWidth = Math.max(nameWidth, e.name.length)
    if (d.descAdjust === K_ADJUST)
      for (const e of ar) if (e.desc !== null) descWidth = Math.max(descWidth, e.desc.length)
  }
  const pad = ' '.repeat(Math.max(0, nameWidth))
  let breakrow = ''
  const link = (anchor: string, column: string): string => {
    if (staticColumns) return anchor
    const reverse = keyid === column && direction === 'A' ? 'D' : 'A'
    return `<a href="?C=${column};O=${reverse}${colargs}">${anchor}</a>`
  }
  const iconSize = (): string =>
    (d.iconWidth ? ` width="${d.iconWidth}"` : '') + (d.iconHeight ? ` height="${d.iconHeight}"` : '')
  const blank = findItem(d.icons, '^^BLANKICON^^', null, null, true)

  if (opts & IX.TABLE_INDEXING) {
    let cols = 1
    put(styled ? '  <table id="indexlist">\n   <tr class="indexhead">' : '  <table>\n   <tr>')
    if (!(opts & IX.SUPPRESS_ICON)) {
      put('<th', styled ? ' class="indexcolicon">' : ' valign="top">')
      if (blank !== null) put('<img src="', escapeHtml(blank), '" alt="[ICO]"', iconSize(), xhtml ? ' /' : '', '></th>')
      else put('&nbsp;</th>')
      ++cols
    }
    put('<th', styled ? ' class="indexcolname">' : '>', link('Name', 'N'))
    if (!(opts & IX.SUPPRESS_LAST_MOD)) {
      put('</th><th', styled ? ' class="indexcollastmod">' : '>', link('Last modified', 'M'))
      ++cols
    }
    if (!(opts & IX.SUPPRESS_SIZE)) {
      put('</th><th', styled ? ' class="indexcolsize">' : '>', link('Size', 'S'))
      ++cols
    }
    if (!(opts & IX.SUPPRESS_DESC)) {
      put('</th><th', styled ? ' class="indexcoldesc">' : '>', link('Description', 'D'))
      ++cols
    }
    if (!(opts & IX.SUPPRESS_RULES))
      breakrow = `   <tr${styled ? ' class="indexbreakrow"' : ''}><th colspan="${cols}"><hr${xhtml ? ' /' : ''}></th></tr>\n`
    put('</th></tr>\n', breakrow)
  } else if (opts & IX.FANCY_INDEXING) {
    put('<pre>')
    if (!(opts & IX.SUPPRESS_ICON)) {
      if (blank !== null) put('<img src="', escapeHtml(blank), '" alt="Icon "', iconSize(), xhtml ? ' /' : '', '> ')
      else put('      ')
    }
    put(link('Name', 'N'), pad.slice(4), ' ')
    if (!(opts & IX.SUPPRESS_LAST_MOD)) put(link('Last modified', 'M'), '      ')
    if (!(opts & IX.SUPPRESS_SIZE)) put(link('Size', 'S'), '  ')
    if (!(opts & IX.SUPPRESS_DESC)) put(link('Description', 'D'))
    if (!(opts & IX.SUPPRESS_RULES)) put('<hr', xhtml ? ' /' : '', '>')
    else put('\n')
  } else put('<ul>')

  const truncated = (t: string): string => (t.length > nameWidth ? `${t.slice(0, nameWidth - 3)}..>` : t)
  for (let x = 0; x < ar.length; x++) {
    const e = ar[x]
    const t = e.name
    const anchor = escapeHtml(escapePath(t, false))
    const t2 = x === 0 && t[0] === '/' ? 'Parent Directory' : t
    const img = (): string =>
      e.icon !== null || d.defaultIcon !== null
        ? `<img src="${escapeHtml(e.icon ?? d.defaultIcon!)}" alt="[${e.alt ?? '   '}]"${iconSize()}${xhtml ? ' /' : ''}>`
        : ''
    const time = (): string => formatTime(localTime(e.lm), oldDates)
    if (opts & IX.TABLE_INDEXING) {
      if (styled) {
        if (e.alt !== null && opts & IX.ADDALTCLASS)
          put('   <tr class="', x & 1 ? 'odd-' : 'even-', e.alt.toLowerCase(), '">')
        else put('   <tr class="', x & 1 ? 'odd' : 'even', '">')
      } else put('<tr>')
      if (!(opts & IX.SUPPRESS_ICON)) {
        put('<td', styled ? ' class="indexcolicon">' : ' valign="top">')
        if (opts & IX.ICONS_ARE_LINKS) put('<a href="', anchor, '">')
        const i = img()
        put(i || '&nbsp;')
        put(opts & IX.ICONS_ARE_LINKS ? '</a></td>' : '</td>')
      }
      if (d.nameAdjust === K_ADJUST)
        put('<td', styled ? ' class="indexcolname">' : '>', '<a href="', anchor, '">', escapeHtml(t2), '</a>')
      else {
        const shown = truncated(t2)
        put('<td', styled ? ' class="indexcolname">' : '>', '<a href="', anchor, '">', escapeHtml(shown), '</a>')
        put(pad.slice(shown.length))
      }
      if (!(opts & IX.SUPPRESS_LAST_MOD)) {
        if (e.lm !== -1) put('</td><td', styled ? ' class="indexcollastmod">' : ' align="right">', time(), '  ')
        else put('</td><td', styled ? ' class="indexcollastmod">&nbsp;' : '>&nbsp;')
      }
      if (!(opts & IX.SUPPRESS_SIZE))
        put('</td><td', styled ? ' class="indexcolsize">' : ' align="right">', strfsize(e.size))
      if (!(opts & IX.SUPPRESS_DESC)) {
        const cell = styled ? ' class="indexcoldesc">' : '>'
        if (e.desc !== null)
          put('</td><td', cell, d.descAdjust === K_ADJUST ? e.desc : terminateDescription(d, e.desc, opts, descWidth))
        else put('</td><td', cell, '&nbsp;')
      }
      put('</td></tr>\n')
    } else if (opts & IX.FANCY_INDEXING) {
      if (!(opts & IX.SUPPRESS_ICON)) {
        if (opts & IX.ICONS_ARE_LINKS) put('<a href="', anchor, '">')
        put(img() || '     ')
        put(opts & IX.ICONS_ARE_LINKS ? '</a> ' : ' ')
      }
      const shown = truncated(t2)
      put('<a href="', anchor, '">', escapeHtml(shown), '</a>', pad.slice(shown.length), ' ')
      if (!(opts & IX.SUPPRESS_LAST_MOD)) put(e.lm !== -1 ? `${time()}  ` : '                   ')
      if (!(opts & IX.SUPPRESS_SIZE)) put(strfsize(e.size), '  ')
      if (!(opts & IX.SUPPRESS_DESC) && e.desc !== null) put(terminateDescription(d, e.desc, opts, descWidth))
      put('\n')
    } else put('<li><a href="', anchor, '"> ', escapeHtml(t2), '</a></li>\n')
  }
  if (opts & IX.TABLE_INDEXING) put(breakrow, '</table>\n')
  else if (opts & IX.FANCY_INDEXING) put(opts & IX.SUPPRESS_RULES ? '</pre>\n' : `<hr${xhtml ? ' /' : ''}></pre>\n`)
  else put('</ul>\n')
}
