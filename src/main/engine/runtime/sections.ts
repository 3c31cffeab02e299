/**
 * Apache's per-directory configuration for one request: which `<Directory>`, `<Files>`,
 * `<Location>` and `<If>` sections apply, in the order httpd's core merges them
 * (`ap_directory_walk`, `ap_file_walk`, `ap_location_walk` after translation, `ap_if_walk`),
 * so that a later section's `Header set` overrides an earlier one's exactly as in httpd.
 *
 * - `<Directory>` sections without a regex are sorted by their number of path components
 *   (shorter first, then in configuration order, the server's before the vhost's); regex ones
 *   (`<DirectoryMatch>`, `<Directory ~>`) follow, sorted by the slashes in their pattern, then
 *   in configuration order. A directory below the
 *   docroot applies only when it exists: httpd stops its walk at the first missing component
 *   (the rest becomes path info), so `<Directory …/content/dam>` does nothing before the cache
 *   holds that folder.
 * - `<Files>`/`<FilesMatch>` test the last component of `r->filename` as the walk left it (up to
 *   the first missing component), `<DirectoryMatch>` the whole of it; the top-level `<Files>`
 *   first, then those nested in the matched directories.
 * - `<Location>` (prefix on a segment boundary, or an `fnmatch` pattern) and `<LocationMatch>`
 *   test `r->uri`, the decoded path after mod_rewrite's `[PT]`.
 * - `<If>`/`<ElseIf>`/`<Else>` last: the top-level chains, then those nested in matched sections.
 *
 * Only sections that hold (or nest) directives of interest are walked at all.
 * Hand-written: the order and matching rules are httpd's own; no library models them.
 */
import type { ApacheScope, VhostSettings } from '../../../shared/config-model'
import {
  evalExprBool,
  pcreOrNull,
  fnmatch,
  parseExpr,
  toByteString,
  type ExprAst,
  type ExprContext
} from '../apache-expr'
import type { FileProbe } from '../apache-expr'
import { fnmatchTest } from '../match/ap-match'

export interface SectionWalkInput {
  /** `r->uri`: the decoded path, after a `[PT]` rewrite. */
  uri: string
  /** `r->filename`: the docroot joined with the path. */
  filename: string
  /** Where `<Directory>` existence is asked. */
  probe: FileProbe
  /** Made only when an `<If>` is evaluated. */
  exprContext: () => ExprContext
}

export interface SectionWalk {
  /** The sections that apply, in merge order (later ones override earlier ones). */
  scopes: ApacheScope[]
  /** Identifies the combination, for memos of what was compiled from it. */
  key: string
  /** Request headers `<If>` conditions read: httpd adds them to the response's `Vary`. */
  vary: string[]
}

/** Where httpd's directory walk stopped (see `walkedPath`). */
interface Walked {
  /** `r->filename`: the path up to the first component that is missing or not a folder. */
  filename: string
  /** The deepest folder the walk went through. */
  dir: string
}

interface WalkInput extends SectionWalkInput {
  walked(): Walked
}

interface Node {
  scope: ApacheScope
  /** Position in configuration order (server first), for stable sorting and the memo key. */
  index: number
  children: Node[]
  test: (input: WalkInput, vary: string[]) => boolean
  /** `<Directory>` without a regex: its path components. */
  components?: number
  /** The section itself holds directives of interest (not only its nested sections). */
  own: boolean
}

export interface CompiledSections {
  walk(input: SectionWalkInput): SectionWalk
  /** Set when the same sections apply to every request: the walk's one answer. */
  fixed?: SectionWalk
}

const GROUP: Record<ApacheScope['kind'], 'dir' | 'dirRegex' | 'files' | 'location' | 'if'> = {
  Directory: 'dir',
  DirectoryMatch: 'dirRegex',
  Files: 'files',
  FilesMatch: 'files',
  Location: 'location',
  LocationMatch: 'location',
  If: 'if',
  ElseIf: 'if',
  Else: 'if'
}

/**
 * Whether `compileSections` would find any section to walk, without building anything: for
 * callers that compile their walk only when a request first needs it.
 */
export function anySectionMatters(
  layers: VhostSettings[],
  relevant: (s: VhostSettings) => boolean,
  phase: 'translate' | 'full' = 'full'
): boolean {
  const matters = (scope: ApacheScope): boolean => relevant(scope.settings) || scope.settings.scopes.some(matters)
  return layers.some((l) => l.scopes.some((s) => inPhase(s, phase) && matters(s)))
}

/** Whether a top-level section is walked in this phase (translate: only `<Location>` and `<If>`). */
function inPhase(scope: ApacheScope, phase: 'translate' | 'full'): boolean {
  return phase === 'full' || GROUP[scope.kind] === 'location' || GROUP[scope.kind] === 'if'
}

/**
 * `relevant`: whether a context holds directives the caller applies per request. Sections
 * without any (themselves or nested) are left out, but for `<If>`s with `keepConditions`;
 * `null` when none is left.
 *
 * `phase: 'translate'` walks what httpd has merged when it translates the URI (mod_rewrite's
 * vhost rules, mod_alias): `ap_location_walk` and `ap_if_walk` on the URI as it arrived, before
 * any `<Directory>` or `<Files>` (those need the filename the translation produces).
 */
export function compileSections(
  layers: VhostSettings[],
  docroot: string | undefined,
  relevant: (s: VhostSettings) => boolean,
  phase: 'translate' | 'full' = 'full',
  /** Keep every `<If>` whatever it holds: its condition's headers go into the answer's Vary. */
  keepConditions = false
): CompiledSections | null {
  const root = toByteString((docroot ?? '').replace(/\/+$/, ''))
  /** The filename is the docroot or below it (it is, unless mod_rewrite set a file path elsewhere). */
  const inDocroot = (filename: string): boolean => atOrBelow(filename, root)
  // Indices count every section in configuration order, kept or not, so that both phases (and
  // every caller's `relevant`) number a section alike. Matchers are made only for kept ones.
  let counter = 0
  const build = (scopes: ApacheScope[], topLevel: boolean): Node[] => {
    const out: Node[] = []
    for (const scope of scopes) {
      const index = counter
      if (topLevel && !inPhase(scope, phase)) {
        counter += 1 + nestedCount(scope)
        continue
      }
      counter++
      const children = build(scope.settings.scopes, false)
      const condition = keepConditions && (scope.kind === 'If' || scope.kind === 'ElseIf')
      out.push({ scope, index, children, test: NEVER, own: condition || relevant(scope.settings) })
    }
    // An <If> chain stays whole when any member matters: an <Else> depends on the <If> before it.
    const kept = out.filter((n, i) => matters(n) || (GROUP[n.scope.kind] === 'if' && chainMatters(out, i)))
    for (const n of kept) {
      const m = matcherOf(n.scope, docroot)
      n.test = m.test
      n.components = m.components
    }
    return kept
  }
  /** Children are already the kept ones: a child kept only for its chain has a sibling that matters. */
  const matters = (n: Node): boolean => n.own || n.children.length > 0
  const chainMatters = (list: Node[], i: number): boolean => {
    let start = i
    while (start > 0 && list[start].scope.kind !== 'If') start--
    for (let j = start; j < list.length && (j === start || list[j].scope.kind !== 'If'); j++)
      if (GROUP[list[j].scope.kind] === 'if' && matters(list[j])) return true
    return false
  }
  const top = layers.flatMap((l) => build(l.scopes, true))
  if (top.length === 0) return null
  const dirs = top
    .filter((n) => n.scope.kind === 'Directory')
    .sort((a, b) => a.components! - b.components! || a.index - b.index)
  // core_reorder_directories sorts the regex ones too, by the slashes in their pattern's text.
  const dirRegex = top
    .filter((n) => n.scope.kind === 'DirectoryMatch')
    .sort((a, b) => slashes(a.scope.arg) - slashes(b.scope.arg) || a.index - b.index)
  const files = top.filter((n) => GROUP[n.scope.kind] === 'files')
  const locations = top.filter((n) => GROUP[n.scope.kind] === 'location')
  const ifs = top.filter((n) => GROUP[n.scope.kind] === 'if')
  // `<Directory />`, `<Directory docroot>`, `<Location />` without nested sections apply to
  // every request (the common case): their walk has one answer, computed once.
  if (top.every((n) => coversDocroot(n) && n.children.length === 0)) {
    const all = [...dirs, ...locations]
    const fixed: SectionWalk = {
      scopes: all.map((n) => n.scope),
      key: all.map((n) => n.index + ',').join(''),
      vary: []
    }
    return { walk: (outer) => (inDocroot(outer.filename) ? fixed : walkOnce(outer)), fixed }
  }
  const hasIf = (n: Node): boolean => GROUP[n.scope.kind] === 'if' || n.children.some(hasIf)
  const readsRequest = top.some(hasIf)
  // Only locations besides sections that cover everything: the answer depends on the URI alone
  // (no directory walk on disk, no request read), so it is remembered per URI.
  const uriOnly =
    !readsRequest &&
    top.every((n) => (coversDocroot(n) && n.children.length === 0) || GROUP[n.scope.kind] === 'location')
  const byUri = uriOnly ? new Map<string, SectionWalk>() : null
  // Otherwise, without <If>: a walk that needed no `stat` (no <Files> or deeper <Directory> could
  // match) depends on the URI and the filename alone, which is the docroot joined with the URI
  // unless mod_rewrite set it: remembered per URI in that case.
  const byPath = !uriOnly && !readsRequest ? new Map<string, SectionWalk>() : null
  return {
    walk(outer) {
      if (byUri && inDocroot(outer.filename)) {
        let known = byUri.get(outer.uri)
        if (!known) {
          known = walkOnce(outer)
          if (byUri.size >= URI_MEMO_LIMIT) byUri.clear()
          byUri.set(outer.uri, known)
        }
        return known
      }
      const plain =
        byPath !== null &&
        outer.filename.length === root.length + outer.uri.length &&
        outer.filename.endsWith(outer.uri) &&
        outer.filename.startsWith(root)
      if (!plain) return walkOnce(outer)
      const known = byPath.get(outer.uri)
      if (known) return known
      const stats = { used: false }
      const walk = walkOnce(outer, stats)
      if (!stats.used) {
        if (byPath.size >= URI_MEMO_LIMIT) byPath.clear()
        byPath.set(outer.uri, walk)
      }
      return walk
    }
  }

  function walkOnce(outer: SectionWalkInput, stats?: { used: boolean }): SectionWalk {
    let walked: Walked | undefined
    const input: WalkInput = {
      ...outer,
      walked: () => {
        if (stats) stats.used = true
        return (walked ??= walkedPath(outer, docroot))
      }
    }
    const applied: Node[] = []
    const vary: string[] = []
    const nestedFiles: Node[] = []
    const nestedIfs: Node[] = []
    const take = (n: Node): void => {
      applied.push(n)
      for (const c of n.children) {
        const g = GROUP[c.scope.kind]
        if (g === 'files') nestedFiles.push(c)
        else if (g === 'if') nestedIfs.push(c)
      }
    }
    for (const n of dirs) if (n.test(input, vary)) take(n)
    for (const n of dirRegex) if (n.test(input, vary)) take(n)
    for (const n of [...files, ...nestedFiles]) if (n.test(input, vary)) take(n)
    for (const n of locations) if (n.test(input, vary)) take(n)
    walkIfs([...ifs, ...nestedIfs], input, applied, vary)
    let key = ''
    for (const n of applied) key += n.index + ','
    return { scopes: applied.map((n) => n.scope), key, vary }
  }
}

/** URIs remembered per compiled set of sections before the memo starts over. */
const URI_MEMO_LIMIT = 2000

/**
 * `<If>` chains: an `<ElseIf>`/`<Else>` applies only when nothing before it in its chain did.
 * Like `ap_if_walk`, one level at a time: every section of this level first, then the `<If>`s
 * nested in those that applied.
 */
function walkIfs(list: Node[], input: WalkInput, applied: Node[], vary: string[]): void {
  let chainTaken = false
  const nested: Node[] = []
  for (const n of list) {
    if (n.scope.kind === 'If') chainTaken = false
    else if (chainTaken) continue
    if (!n.test(input, vary)) continue
    chainTaken = true
    applied.push(n)
    for (const c of n.children) if (GROUP[c.scope.kind] === 'if') nested.push(c)
  }
  if (nested.length > 0) walkIfs(nested, input, applied, vary)
}

/**
 * httpd's directory walk below the docroot: one `stat` per component, stopping at the first
 * that is missing (the rest is path info, which is why `<Files>` and deeper `<Directory>`
 * sections do not apply to a page that is not in the cache yet) or that is a file.
 */
function walkedPath(input: Pick<SectionWalkInput, 'filename' | 'probe'>, docroot: string | undefined): Walked {
  const root = toByteString((docroot ?? '').replace(/\/+$/, ''))
  let dir = root || '/'
  const rest = input.filename.slice(root.length).split('/').filter(Boolean)
  for (const seg of rest) {
    const next = (dir === '/' ? '' : dir) + '/' + seg
    if (input.probe.stat(next)?.kind !== 'dir') return { filename: next, dir }
    dir = next
  }
  return { filename: dir, dir }
}

/**
 * `r->filename` and `r->path_info` as httpd's directory walk leaves them: cut after the first
 * component that is a file or is missing, the rest being path info (`/page.html/suffix` is the
 * file `page.html` with `/suffix`); a path that is folders all the way keeps its whole name.
 */
export function directoryWalk(
  input: Pick<SectionWalkInput, 'filename' | 'probe'>,
  docroot: string | undefined
): { filename: string; pathInfo: string } {
  const w = walkedPath(input, docroot)
  if (w.filename === w.dir || !input.filename.startsWith(w.filename)) return { filename: input.filename, pathInfo: '' }
  return { filename: w.filename, pathInfo: input.filename.slice(w.filename.length) }
}

/** Linux's NAME_MAX, in bytes: the limit of the AEM image's file system. */
const NAME_MAX = 255

/**
 * The path at which httpd's directory walk fails, if it does: apr_stat answers ENAMETOOLONG for
 * a component longer than NAME_MAX bytes, and ap_directory_walk refuses any failure other than
 * ENOENT with 403 (AH00036). The walk stops at the first component that is missing or a file,
 * so a long name only fails when the folder holding it exists. Paths without such a name (nearly
 * all) are answered without a probe. (A path too long as a whole is core's translate's 403.)
 */
export function directoryWalkFailure(
  input: Pick<SectionWalkInput, 'filename' | 'probe'>,
  docroot: string | undefined
): string | undefined {
  if (!hasLongName(input.filename)) return undefined
  const root = toByteString((docroot ?? '').replace(/\/+$/, ''))
  if (!input.filename.startsWith(root + '/')) return undefined
  // Such a name is never a folder: the walk stops at it, or before it at one missing or a file.
  const w = walkedPath(input, docroot)
  return w.filename !== w.dir && w.filename.length - w.dir.length - 1 > NAME_MAX ? w.filename : undefined
}

/** Whether some component is longer than NAME_MAX (bytes: r->filename and r->uri hold them). */
export function hasLongName(filename: string): boolean {
  if (filename.length <= NAME_MAX) return false
  let start = 0
  for (;;) {
    const slash = filename.indexOf('/', start)
    const end = slash === -1 ? filename.length : slash
    if (end - start > NAME_MAX) return true
    if (slash === -1) return false
    start = slash + 1
  }
}

function nestedCount(scope: ApacheScope): number {
  let n = 0
  for (const s of scope.settings.scopes) n += 1 + nestedCount(s)
  return n
}

interface Matcher {
  test: Test
  components?: number
}

/**
 * A section's matcher, made once per section and docroot: the server's sections are compiled
 * for every vhost and by every caller (headers, rewrite switch, ProxyPass), and making a matcher
 * compiles its regex or expression.
 */
const matchers = new WeakMap<ApacheScope, Map<string | undefined, Matcher>>()

function matcherOf(scope: ApacheScope, docroot: string | undefined): Matcher {
  let byRoot = matchers.get(scope)
  if (!byRoot) matchers.set(scope, (byRoot = new Map()))
  let m = byRoot.get(docroot)
  if (!m) {
    m = { test: matcher(scope, docroot) }
    if (scope.kind === 'Directory') m.components = components(scope.arg)
    byRoot.set(docroot, m)
  }
  return m
}

function components(path: string): number {
  return path.split('/').filter(Boolean).length
}

/** `ap_count_dirs` of a `<DirectoryMatch>` pattern: its slashes, as written. */
function slashes(pattern: string): number {
  let n = 0
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === 0x2f) n++
  return n
}

const NEVER = (): boolean => false
const ALWAYS = (): boolean => true

type Test = (input: WalkInput, vary: string[]) => boolean
/** Tests true for every filename under the docroot (a `<Directory>` at or above it). */
const DOCROOT_WIDE = new WeakSet<Test>()

function withinDocroot(test: Test): Test {
  DOCROOT_WIDE.add(test)
  return test
}

/** True for every request whose filename is under the docroot. */
function coversDocroot(n: Node): boolean {
  return n.test === ALWAYS || DOCROOT_WIDE.has(n.test)
}

function matcher(scope: ApacheScope, docroot: string | undefined): (input: WalkInput, vary: string[]) => boolean {
  // Paths and URIs hold bytes, as in httpd: a section's UTF-8 text is compared as its bytes
  // (an <If> expression's parser does that itself).
  const arg = toByteString(scope.arg)
  switch (scope.kind) {
    case 'Directory': {
      const dir = arg.replace(/\/+$/, '') || '/'
      // d_is_fnmatch is apr_fnmatch_test's word, as for <Location> below: `x\*y` and `d[e` are paths as written.
      if (fnmatchTest(dir)) {
        // Tried against the folders the walk went through, never a file or a missing one.
        const depth = components(dir)
        return (i) => {
          const parts = i.walked().dir.split('/').filter(Boolean)
          return parts.length >= depth && fnmatch(dir, '/' + parts.slice(0, depth).join('/'), { pathname: true })
        }
      }
      const root = docroot === undefined ? undefined : toByteString(docroot.replace(/\/+$/, ''))
      if (dir === '/') return ALWAYS
      // The docroot and the folders above it always exist for the emulated server, so they apply
      // to every filename under the docroot (the walks below count on it: see `inDocroot`); a
      // rewrite to a file path elsewhere is tested for real.
      if (root !== undefined && atOrBelow(root, dir)) {
        return withinDocroot((i) => atOrBelow(i.filename, dir))
      }
      return (i) => {
        return atOrBelow(i.filename, dir) && atOrBelow(i.walked().dir, dir)
      }
    }
    case 'DirectoryMatch': {
      const re = pcreOrNull(arg)
      if (!re) return NEVER
      // r->filename after the walk: a folder asked for with its slash keeps it (`…/r/`).
      return (i) => {
        const w = i.walked()
        return re.test(w.filename === w.dir && i.filename.endsWith('/') && w.dir !== '/' ? `${w.dir}/` : w.filename)
      }
    }
    case 'Files': {
      // d_is_fnmatch again: `<Files "f\*g">` names the file `f\*g`, compared with strcmp.
      const test = fnmatchTest(arg) ? (name: string) => fnmatch(arg, name) : (name: string) => name === arg
      return filesMatcher(test)
    }
    case 'FilesMatch': {
      const re = pcreOrNull(arg)
      return re ? filesMatcher((name) => re.test(name)) : NEVER
    }
    case 'Location': {
      // d_is_fnmatch is apr_fnmatch_test's word: `/a[b` (no `]`) and `/x\*y` (escaped) are prefixes.
      if (fnmatchTest(arg)) return (i) => fnmatch(arg, i.uri, { pathname: true })
      const prefix = arg
      if (prefix === '/') return ALWAYS
      // httpd 2.4: a prefix not ending in `/` must end on a segment boundary (`/foo` ≠ `/foobar`).
      return (i) =>
        i.uri.startsWith(prefix) &&
        (prefix.endsWith('/') || i.uri.length === prefix.length || i.uri[prefix.length] === '/')
    }
    case 'LocationMatch': {
      const re = pcreOrNull(arg)
      return re ? (i) => re.test(i.uri) : NEVER
    }
    case 'If':
    case 'ElseIf': {
      let ast: ExprAst
      try {
        ast = parseExpr(scope.arg)
      } catch {
        return NEVER // reported when the configuration is checked (an httpd start-up error)
      }
      return (i, vary) => {
        try {
          const r = evalExprBool(ast, i.exprContext(), false)
          for (const h of r.vary) if (!vary.includes(h)) vary.push(h)
          return r.value
        } catch {
          return false
        }
      }
    }
    case 'Else':
      return () => true
  }
}

/**
 * A `<Files>` test on the last component of the walked filename. That component is one of the
 * filename's own components, so when none of them matches (`<Files ".ht*">` and a page URL)
 * the answer is no without the walk's `stat` calls.
 */
function filesMatcher(test: (name: string) => boolean): (input: WalkInput) => boolean {
  return (i) => {
    const f = i.filename
    // A folder asked for with its slash is r->filename `…/folder/`: the name tested is empty.
    const slashed = f.endsWith('/')
    let any = slashed && test('')
    let from = 0
    while (!any && from <= f.length) {
      const slash = f.indexOf('/', from)
      const end = slash < 0 ? f.length : slash
      if (end > from && test(f.slice(from, end))) any = true
      from = end + 1
    }
    if (!any) return false
    const w = i.walked()
    return test(slashed && w.filename === w.dir ? '' : basename(w.filename))
  }
}

/** `path` is `dir` or below it (on a segment boundary). */
export function atOrBelow(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + '/')
}

function basename(filename: string): string {
  return filename.slice(filename.lastIndexOf('/') + 1)
}
