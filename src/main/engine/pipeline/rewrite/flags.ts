/**
 * RewriteRule flags, read the way mod_rewrite's `cmd_rewriterule_setflag` reads them: the
 * first letter selects the family, the rest must be one of that family's spellings
 * (`R`, `redirect`; `NC`, `nocase`; …), everything case-insensitive, `key=value` split at the
 * first `=`. An unknown flag stops Apache from starting; here it is a compile problem.
 */

export interface RuleFlags {
  last: boolean
  end: boolean
  chain: boolean
  nocase: boolean
  noescape: boolean
  passthrough: boolean
  proxy: boolean
  qsappend: boolean
  qsdiscard: boolean
  qslast: boolean
  nosubreq: boolean
  discardPathInfo: boolean
  /** `[R]`: an external redirect. */
  redirect: boolean
  /**
   * The status the rule answers with: `[F]` 403, `[G]` 410, `[R=4xx/5xx]`; with `statusOnly`
   * the substitution is ignored and the request ends with this status.
   */
  status: number
  statusOnly: boolean
  /** `[N]`, and the bound on rounds (`[N=32000]`, default 10000 as in Apache). */
  next: boolean
  maxRounds: number
  skip: number
  env: string[]
  cookies: string[]
  type?: string
  handler?: string
  /** `[B]`, `[B=chars]` or `[BCTLS]`: back-references are escaped before substitution. */
  escapeBackrefs: boolean
  /** How: `[B=chars]`, `[BNE=chars]`, `[BCTLS]`, `[BNP]` (the last two alone do not turn escaping on). */
  backrefOptions: { only?: string; except?: string; controlsOnly?: boolean; noPlus?: boolean }
  unsafeAllow3F: boolean
  unsafePrefixStat: boolean
  /** `[UNC]`: the leading slashes of a local result are kept (otherwise they become one). */
  unc: boolean
}

export const REWRITE_MAX_ROUNDS = 10000

/**
 * The codes httpd has a status line for (ap_index_of_response): `[R=code]` takes no other, and
 * the loader refuses the rest at start-up with this table too (config/apache/rewrite-directives.ts).
 */
export const STATUS_LINES: ReadonlySet<number> = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400,
  401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428,
  429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511
])

export function defaultRuleFlags(): RuleFlags {
  return {
    last: false,
    end: false,
    chain: false,
    nocase: false,
    noescape: false,
    passthrough: false,
    proxy: false,
    qsappend: false,
    qsdiscard: false,
    qslast: false,
    nosubreq: false,
    discardPathInfo: false,
    redirect: false,
    status: 302,
    statusOnly: false,
    next: false,
    maxRounds: REWRITE_MAX_ROUNDS,
    skip: 0,
    env: [],
    cookies: [],
    escapeBackrefs: false,
    backrefOptions: {},
    unsafeAllow3F: false,
    unsafePrefixStat: false,
    unc: false
  }
}

export interface FlagParseResult {
  flags: RuleFlags
  /** Errors Apache would refuse to start with. */
  errors: string[]
  /** Accepted by Apache but with no effect. */
  warnings: string[]
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

export function parseRuleFlags(written: string[]): FlagParseResult {
  const flags = defaultRuleFlags()
  const errors: string[] = []
  const warnings: string[] = []
  for (const raw of written) {
    const item = raw.trim()
    if (!item) continue
    const eqAt = item.indexOf('=')
    const key = eqAt < 0 ? item : item.slice(0, eqAt)
    const val = eqAt < 0 ? '' : item.slice(eqAt + 1)
    const rest = key.slice(1)
    let known = true
    switch (key[0]?.toLowerCase()) {
      case 'b':
        if (rest === '' || eq(rest, 'ackrefescaping')) {
          flags.escapeBackrefs = true
          if (val) flags.backrefOptions.only = val
        } else if (eq(rest, 'NE')) {
          if (!val) errors.push("flag 'BNE' wants a list of characters (i.e. [BNE=...])")
          else flags.backrefOptions.except = val
        } else if (eq(rest, 'NP') || eq(rest, 'ackrefernoplus')) flags.backrefOptions.noPlus = true
        else if (eq(rest, 'CTLS')) {
          flags.escapeBackrefs = true
          flags.backrefOptions.controlsOnly = true
        } else known = false
        break
      case 'c':
        if (rest === '' || eq(rest, 'hain')) flags.chain = true
        else if (eq(rest, 'O') || eq(rest, 'ookie')) flags.cookies.push(val)
        else known = false
        break
      case 'd':
        // mod_rewrite silently ignores any other d… flag.
        if (rest === '' || eq(rest, 'PI') || eq(rest, 'iscardpath')) flags.discardPathInfo = true
        else warnings.push(`flag '${key}' is ignored by mod_rewrite`)
        break
      case 'e':
        if (rest === '' || eq(rest, 'nv')) flags.env.push(val)
        else if (eq(rest, 'nd')) flags.end = true
        else known = false
        break
      case 'f':
        if (rest === '' || eq(rest, 'orbidden')) {
          flags.status = 403
          flags.statusOnly = true
        } else known = false
        break
      case 'g':
        if (rest === '' || eq(rest, 'one')) {
          flags.status = 410
          flags.statusOnly = true
        } else known = false
        break
      case 'h':
        if (rest === '' || eq(rest, 'andler')) flags.handler = val
        else known = false
        break
      case 'l':
        if (rest === '' || eq(rest, 'ast')) flags.last = true
        else known = false
        break
      case 'n':
        if (eq(rest, 'E') || eq(rest, 'oescape')) flags.noescape = true
        else if (rest === '' || eq(rest, 'ext')) {
          flags.next = true
          if (val) flags.maxRounds = parseInt(val, 10) || 0
        } else if (eq(rest, 'S') || eq(rest, 'osubreq')) flags.nosubreq = true
        else if (eq(rest, 'C') || eq(rest, 'ocase')) flags.nocase = true
        else known = false
        break
      case 'p':
        if (rest === '' || eq(rest, 'roxy')) flags.proxy = true
        else if (eq(rest, 'T') || eq(rest, 'assthrough')) flags.passthrough = true
        else known = false
        break
      case 'q':
        if (eq(rest, 'SA') || eq(rest, 'sappend')) flags.qsappend = true
        else if (eq(rest, 'SD') || eq(rest, 'sdiscard')) flags.qsdiscard = true
        else if (eq(rest, 'SL') || eq(rest, 'slast')) flags.qslast = true
        else known = false
        break
      case 'r':
        if (rest === '' || eq(rest, 'edirect')) {
          flags.redirect = true
          if (val) {
            const status = redirectStatus(val)
            if (status === null) errors.push(`invalid HTTP response code '${val}' for flag 'R'`)
            else {
              flags.status = status
              if (status < 300 || status > 399) flags.statusOnly = true
            }
          }
        } else known = false
        break
      case 's':
        if (rest === '' || eq(rest, 'kip')) flags.skip = parseInt(val, 10) || 0
        else known = false
        break
      case 't':
        if (rest === '' || eq(rest, 'ype')) flags.type = val
        else known = false
        break
      case 'u':
        if (eq(rest, 'nsafeAllow3F')) flags.unsafeAllow3F = true
        else if (eq(rest, 'nsafePrefixStat')) flags.unsafePrefixStat = true
        else if (eq(rest, 'NC')) flags.unc = true
        else known = false
        break
      default:
        known = false
    }
    if (!known) errors.push(`unknown flag '${key}'`)
  }
  return { flags, errors, warnings }
}

/** `R=permanent|temp|seeother|<code>`; a word Apache does not know leaves the code at 0 (then 302). */
function redirectStatus(val: string): number | null {
  if (eq(val, 'permanent')) return 301
  if (eq(val, 'temp')) return 302
  if (eq(val, 'seeother')) return 303
  if (/^\d/.test(val)) {
    const code = parseInt(val, 10)
    return STATUS_LINES.has(code) ? code : null
  }
  return 302
}
