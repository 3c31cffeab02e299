/**
 * What mod_rewrite refuses at start-up beyond splitting its arguments (rewrite-args.ts), each
 * message as `apache2 -t` (httpd 2.4.71) prints it: where RewriteBase and RewriteMap may stand,
 * the RewriteOptions words, the RewriteCond flags, `[R=code]` values, RewriteMap definitions,
 * and the 2.2 directives 2.4 no longer has. Every check answers the message, or undefined when
 * httpd accepts.
 */
import type { RewriteMapDef } from '../../../../shared/config-model'
import type { WriteContext } from './settings'
import { STATUS_LINES } from '../../pipeline/rewrite/flags'
import { flagKey } from './rewrite-args'

/** Logging moved to `LogLevel rewrite:traceN` and the prg: lock to `Mutex`: httpd 2.4 does not know these. */
const REMOVED = new Set(['rewritelog', 'rewriteloglevel', 'rewritelock'])

/**
 * httpd 2.4's refusal, then why it is only a warning here: these are the lines of a working
 * 2.2 configuration (the corpus has one), which the workbench still loads, ignoring them.
 */
export function removedDirective(name: string): string | undefined {
  // Asked for every directive: most are told apart by their first letter, without a lower-cased copy.
  if ((name.charCodeAt(0) | 0x20) !== 0x72 /* r */ || !REMOVED.has(name.toLowerCase())) return undefined
  return `Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration: httpd 2.4 (the SDK's and AMS's) refuses to start with it, as it exists only in 2.2 (use LogLevel rewrite:traceN); ignored here`
}

/** RewriteMap is a server/vhost directive: httpd names the innermost section around it. */
export function misplacedRewriteMap(ctx: WriteContext): string | undefined {
  if (ctx.level !== 'scope' && ctx.within === undefined) return undefined
  return `RewriteMap not allowed in <${ctx.section}> context`
}

/**
 * One argument (checked first, by httpd's parser), in a section (`cmd->path`: any section,
 * `<Location>`, `<Files>` and `<If>` too), a URL path. `misplaced` when the section is the problem.
 */
export function rewriteBaseError(args: string[], ctx: WriteContext): { message: string; misplaced?: true } | undefined {
  if (args.length !== 1 || args[0] === '')
    return { message: 'RewriteBase takes one argument, the base URL of the per-directory context' }
  if (ctx.level !== 'scope' && ctx.within === undefined)
    return { message: 'RewriteBase: only valid in per-directory config files', misplaced: true }
  if (!args[0].startsWith('/')) return { message: 'RewriteBase: argument is not a valid URL' }
  return undefined
}

const OPTIONS = new Set([
  'inherit',
  'inheritbefore',
  'inheritdown',
  'inheritdownbefore',
  'ignoreinherit',
  'allownoslash',
  'allowanyuri',
  'mergebase',
  'ignorecontextinfo',
  'legacyprefixdocroot'
])

/** Words compared without case; `MaxRedirects=n` is still accepted (and ignored, with a warning of httpd's). */
export function rewriteOptionsError(args: string[]): string | undefined {
  if (args.length === 0) return 'RewriteOptions requires at least one argument, List of option strings to set'
  const bad = args.find((a) => !OPTIONS.has(a.toLowerCase()) && !/^maxredirects=/i.test(a))
  return bad === undefined ? undefined : `RewriteOptions: unknown option '${bad}'`
}

/** RewriteCond's flags (cmd_rewritecond_setflag), compared without case. */
const COND_FLAGS = new Set(['nc', 'nocase', 'or', 'ornext', 'nv', 'novary'])

export const isCondFlag = (key: string): boolean => COND_FLAGS.has(key.toLowerCase())

/**
 * A RewriteCond's flags as the model keeps them: the keys httpd knows, in lower case, without
 * the value httpd ignores (`[NC=x]` is `nc`). Any other was refused, at the line.
 */
export function condFlags(flags: string[]): string[] {
  return flags
    .map(flagKey)
    .filter(isCondFlag)
    .map((k) => k.toLowerCase())
}

/**
 * `[R=code]` (or `redirect=`): a value starting with a digit is read as C's atoi does (`301x` is
 * 301) and must be a code httpd has a status line for (STATUS_LINES, which the rewrite engine
 * reads too); a word is `permanent`, `temp`, `seeother`, or ignored (302).
 */
export function redirectCodeError(flags: string[]): string | undefined {
  for (const flag of flags) {
    const m = /^(?:r|redirect)=(\d+.*)$/i.exec(flag)
    if (m && !STATUS_LINES.has(parseInt(m[1], 10))) return `invalid HTTP response code '${m[1]}' for flag 'R'`
  }
  return undefined
}

/** What a RewriteMap definition needs from its surroundings. */
export interface MapEnvironment {
  /** A path written in the configuration, resolved against ServerRoot (as httpd resolves it). */
  resolve(p: string): string
  /**
   * Whether httpd would find the file, or undefined when that is not ours to say: a file outside
   * the project is the server's (AEMaaCS fills /tmp/rewrites from managed-rewrite-maps.yaml
   * before httpd starts).
   */
  exists(abs: string): boolean | undefined
  moduleLoaded(id: string): boolean
}

export const REWRITE_MAP_FILE_MISSING = 'REWRITE_MAP_FILE_MISSING'
export const REWRITE_MAP_UNKNOWN_INT = 'REWRITE_MAP_UNKNOWN_INT'

/**
 * The map to keep, or httpd's refusal; `code` is set where the compile check had a code for
 * the same refusal (said here for every map, whether a rule uses it or not).
 */
export type MapDefinition = { map: Omit<RewriteMapDef, 'pos'> } | { error: string; code?: string }

const INTERNAL = new Set(['tolower', 'toupper', 'escape', 'unescape'])
/** Names apr-util's DBM layer may know (which ones depends on its build); any other is refused. */
const DBM_TYPES = new Set(['default', 'sdbm', 'gdbm', 'ndbm', 'db', 'lmdb'])
/** The files a DBM map is, by type: SDBM keeps `.dir` and `.pag`; the default type's depend on apr-util's build. */
const DBM_FILES: Record<string, string[]> = { sdbm: ['.dir'], default: ['', '.dir'], db: [''], gdbm: [''] }

/**
 * `RewriteMap name type:source [options]` read as cmd_rewritemap reads it: the type prefix is
 * compared without case, anything else is a txt: map whose file is the whole argument, and the
 * file a map reads (or the program it runs) must exist at start-up. What is in the file is only
 * read when a request looks something up.
 */
export function readRewriteMap(args: string[], env: MapEnvironment): MapDefinition {
  const [name, spec] = args
  if (args.length > 3 || !name || !spec)
    return { error: 'RewriteMap takes two or three arguments, a mapname and a filename and options' }
  const lower = spec.toLowerCase()
  const rest = spec.slice(spec.indexOf(':') + 1)
  if (lower.startsWith('txt:') || lower.startsWith('rnd:')) return fileMap(name, lower.slice(0, 3), rest, env)
  if (lower.startsWith('dbm')) return dbmMap(name, spec, env)
  if (lower.startsWith('dbd:') || lower.startsWith('fastdbd:')) {
    if (!env.moduleLoaded('dbd_module')) return { error: 'RewriteMap types dbd and fastdbd require mod_dbd!' }
    return { map: { name, type: lower.slice(0, lower.indexOf(':')), source: rest } }
  }
  if (lower.startsWith('prg:')) {
    // The program is the first word of the command line; httpd checks that it exists.
    const program = rest
      .trim()
      .split(/\s+/)[0]
      .replace(/^(["'])(.*)\1$/, '$2')
    const file = program === '' ? undefined : env.resolve(program)
    if (file !== undefined && env.exists(file) === false) return missing(name, file)
    return { map: { name, type: 'prg', source: rest } }
  }
  if (lower.startsWith('int:')) {
    if (!INTERNAL.has(rest))
      return { code: REWRITE_MAP_UNKNOWN_INT, error: `RewriteMap: internal map not found:${rest}` }
    return { map: { name, type: 'int', source: rest } }
  }
  return fileMap(name, 'txt', spec, env)
}

function missing(name: string, abs: string): MapDefinition {
  return { code: REWRITE_MAP_FILE_MISSING, error: `RewriteMap: file for map ${name} not found:${abs}` }
}

function fileMap(name: string, type: string, file: string, env: MapEnvironment): MapDefinition {
  const source = env.resolve(file)
  return env.exists(source) === false ? missing(name, source) : { map: { name, type, source } }
}

/** `dbm:file` (the default type) or `dbm=type:file`. */
function dbmMap(name: string, spec: string, env: MapEnvironment): MapDefinition {
  const m = /^dbm(?::|=([^:]*):)(.*)$/is.exec(spec)
  if (!m) return { error: `RewriteMap: bad map:${spec}` }
  const type = m[1] ?? 'default'
  if (!DBM_TYPES.has(type.toLowerCase())) return { error: `RewriteMap: dbm type ${type} is invalid` }
  const source = env.resolve(m[2])
  const files = (DBM_FILES[type.toLowerCase()] ?? []).map((ext) => source + ext)
  if (files.length > 0 && files.every((f) => env.exists(f) === false)) return missing(name, files[0])
  return { map: { name, type: 'dbm', source } }
}
