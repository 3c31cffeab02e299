/**
 * mod_rewrite's `%{NAME}` lookup (`lookup_variable`), which differs from ap_expr's: `ENV:`,
 * `SSL:`, `HTTP:` and `LA-U:`/`LA-F:` prefixes, `SERVER_ADDR`, and an unknown name silently
 * reads as empty (reported here so that a typo does not go unnoticed).
 */
import { envGet, httpScheme, lowerName, NO_ADMIN, upperName, type ApacheRequest } from '../../apache-expr'
import {
  API_VERSION_MAJOR,
  API_VERSION_MINOR,
  HEADER_VARIABLES,
  isIpv6Client,
  timeVariable
} from '../../apache-expr/variables'

export interface RewriteVariableScope {
  req: ApacheRequest
  env: Record<string, string>
  notes: Record<string, string>
  osEnv: Record<string, string>
  /** `r->filename`: the URL as rewritten so far (server context) or the file path (directory context). */
  filename: string
  pathInfo: string
  now: Date
  /** `r->args` as the rules so far left it (null: none), when a rule run is under way. */
  args?: string | null
}

export interface VariableValue {
  value: string
  /** The request header read, for `Vary` (mod_rewrite never adds `Host`). */
  header?: string
  unknown?: boolean
  unsupported?: string
}

/** Names `lookup_variable` knows without a prefix. */
export const REWRITE_VARIABLES = new Set([
  'TIME',
  'IPV6',
  'HTTPS',
  'TIME_DAY',
  'TIME_SEC',
  'TIME_MIN',
  'TIME_MON',
  'TIME_WDAY',
  'TIME_YEAR',
  'TIME_HOUR',
  'IS_SUBREQ',
  'PATH_INFO',
  'AUTH_TYPE',
  'SERVER_NAME',
  'REMOTE_ADDR',
  'SERVER_ADDR',
  'THE_REQUEST',
  'API_VERSION',
  'SERVER_PORT',
  'REMOTE_HOST',
  'REMOTE_PORT',
  'REMOTE_USER',
  'SCRIPT_USER',
  'REQUEST_URI',
  'SCRIPT_GROUP',
  'REMOTE_IDENT',
  'QUERY_STRING',
  'SERVER_ADMIN',
  'DOCUMENT_ROOT',
  'CONTEXT_PREFIX',
  'REQUEST_METHOD',
  'REQUEST_SCHEME',
  'SCRIPT_FILENAME',
  'SERVER_PROTOCOL',
  'SERVER_SOFTWARE',
  'CONN_REMOTE_ADDR',
  'REQUEST_FILENAME',
  'CONTEXT_DOCUMENT_ROOT',
  ...Object.keys(HEADER_VARIABLES)
])

/** Whether a `%{NAME}` is one mod_rewrite resolves (prefixed forms included). */
export function isKnownRewriteVariable(name: string): boolean {
  if (name.length < 4) return false
  if (name[3] === ':') return name.length > 4 && /^(ENV|SSL)$/i.test(name.slice(0, 3))
  if (name[4] === ':') return name.length > 5 && /^(HTTP|LA-U|LA-F)$/i.test(name.slice(0, 4))
  return REWRITE_VARIABLES.has(name.toUpperCase())
}

function header(scope: RewriteVariableScope, name: string): VariableValue {
  const lower = lowerName(name)
  const value = scope.req.headers[lower]
  // lookup_header only records a header that is present, and never Host (RFC 7231 §7.1.4).
  const vary = value !== undefined && lower !== 'host' ? name : undefined
  return { value: value ?? '', header: vary }
}

export function rewriteVariable(name: string, scope: RewriteVariableScope): VariableValue {
  const { req } = scope
  if (name.length < 4) return { value: '', unknown: true }
  if (name[3] === ':') {
    const rest = name.slice(4)
    if (rest && /^ENV$/i.test(name.slice(0, 3))) {
      return { value: envGet(scope.notes, rest) ?? envGet(scope.env, rest) ?? scope.osEnv[rest] ?? '' }
    }
    if (rest && /^SSL$/i.test(name.slice(0, 3))) {
      if (req.https) return { value: '', unsupported: `%{${name}}: SSL variables are not emulated` }
      return { value: '' }
    }
    return { value: '', unknown: true }
  }
  if (name[4] === ':') {
    const rest = name.slice(5)
    if (rest && /^HTTP$/i.test(name.slice(0, 4))) return header(scope, rest)
    if (rest && /^LA-[UF]$/i.test(name.slice(0, 4))) {
      return { value: '', unsupported: `%{${name}} runs a look-ahead sub-request, which the workbench does not do` }
    }
    return { value: '', unknown: true }
  }
  const upper = upperName(name)
  const time = timeVariable(upper, scope.now)
  if (time !== undefined) return { value: time }
  const headerName = HEADER_VARIABLES[upper]
  if (headerName) return header(scope, headerName)
  switch (upper) {
    case 'IPV6':
      return { value: isIpv6Client(req.remoteAddr) ? 'on' : 'off' }
    case 'HTTPS':
      return { value: req.https ? 'on' : 'off' }
    case 'IS_SUBREQ':
      return { value: req.subrequest === true ? 'true' : 'false' }
    case 'PATH_INFO':
      return { value: scope.pathInfo }
    case 'AUTH_TYPE':
      return { value: req.authType ?? '' }
    case 'SERVER_NAME':
      return { value: req.serverName }
    case 'REMOTE_ADDR':
      return { value: req.remoteAddr }
    case 'SERVER_ADDR':
      return { value: req.serverAddr }
    case 'THE_REQUEST':
      return { value: req.theRequest }
    case 'API_VERSION':
      // MODULE_MAGIC_NUMBER_MAJOR:MINOR of the emulated release (ap_expr's %{API_VERSION} is the major alone).
      return { value: `${API_VERSION_MAJOR}:${API_VERSION_MINOR}` }
    case 'SERVER_PORT':
      return { value: String(req.serverPort) }
    case 'REMOTE_HOST':
      return { value: req.remoteAddr }
    case 'REMOTE_PORT':
      return { value: String(req.remotePort) }
    case 'REMOTE_USER':
      return { value: req.user ?? '' }
    case 'SCRIPT_USER':
    case 'SCRIPT_GROUP':
      return { value: '<unknown>' }
    case 'REQUEST_URI':
      return { value: req.uri }
    case 'SERVER_ADMIN':
      return { value: req.serverAdmin ?? NO_ADMIN }
    case 'REMOTE_IDENT':
    case 'CONTEXT_PREFIX':
      return { value: '' }
    case 'QUERY_STRING':
      // r->args: a rule that rewrote the query changed it for the rules after it.
      return { value: scope.args === undefined ? req.query : (scope.args ?? '') }
    case 'DOCUMENT_ROOT':
    case 'CONTEXT_DOCUMENT_ROOT':
      return { value: req.documentRoot }
    case 'REQUEST_METHOD':
      return { value: req.method }
    case 'REQUEST_SCHEME':
      return { value: httpScheme(req) }
    case 'SCRIPT_FILENAME':
    case 'REQUEST_FILENAME':
      return { value: scope.filename }
    case 'SERVER_PROTOCOL':
      return { value: req.protocol }
    case 'SERVER_SOFTWARE':
      return { value: 'Apache' }
    case 'CONN_REMOTE_ADDR':
      return { value: req.connRemoteAddr ?? req.remoteAddr }
    default:
      return { value: '', unknown: true }
  }
}
