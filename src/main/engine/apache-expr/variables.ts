/**
 * The `%{NAME}` variables of ap_expr, valued as `util_expr_eval.c` does (an unset field reads
 * as the empty string). Shared by mod_rewrite, whose own list differs only in a few names.
 */
import type { ExprContext } from './context'
import { envGet } from './env-table'
import { parseIpAddress } from './ipmatch'
import { lowerName } from './lower-name'
import { httpScheme, NO_ADMIN } from './request'

/** Header behind each `HTTP_*` variable; reading one adds it to `Vary` (except `Host`). */
export const HEADER_VARIABLES: Record<string, string> = {
  HTTP_USER_AGENT: 'User-Agent',
  HTTP_PROXY_CONNECTION: 'Proxy-Connection',
  HTTP_REFERER: 'Referer',
  HTTP_COOKIE: 'Cookie',
  HTTP_FORWARDED: 'Forwarded',
  HTTP_HOST: 'Host',
  HTTP_ACCEPT: 'Accept'
}

/** MODULE_MAGIC_NUMBER_MAJOR of Apache 2.4. */
export const API_VERSION_MAJOR = '20120211'
/** MODULE_MAGIC_NUMBER_MINOR of the emulated 2.4.63 (ap_mmn.h: 20120211.139 is its last entry). */
export const API_VERSION_MINOR = '139'

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Apache formats times in the server's local time zone (`apr_time_exp_lt`). */
export function timeVariable(name: string, now: Date): string | undefined {
  switch (name) {
    case 'TIME_YEAR':
      return pad(now.getFullYear(), 4)
    case 'TIME_MON':
      return pad(now.getMonth() + 1)
    case 'TIME_DAY':
      return pad(now.getDate())
    case 'TIME_HOUR':
      return pad(now.getHours())
    case 'TIME_MIN':
      return pad(now.getMinutes())
    case 'TIME_SEC':
      return pad(now.getSeconds())
    case 'TIME_WDAY':
      return String(now.getDay())
    case 'TIME':
      return (
        pad(now.getFullYear(), 4) +
        pad(now.getMonth() + 1) +
        pad(now.getDate()) +
        pad(now.getHours()) +
        pad(now.getMinutes()) +
        pad(now.getSeconds())
      )
    default:
      return undefined
  }
}

export function isIpv6Client(addr: string): boolean {
  const ip = parseIpAddress(addr)
  if (!ip || ip.family !== 6) return false
  const mapped = ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff
  return !mapped
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return headers[lowerName(name)]
}

/**
 * The value of a non-header ap_expr variable. `undefined` only for names this function does not
 * know (the parser has already refused unknown names).
 */
export function requestVariable(name: string, ctx: ExprContext): string | undefined {
  const { req } = ctx
  // The clock (a Date when the context has none) only for the TIME* names.
  const time = name.startsWith('TIME') ? timeVariable(name, ctx.now ?? new Date()) : undefined
  if (time !== undefined) return time
  switch (name) {
    case 'REQUEST_METHOD':
      return req.method
    case 'REQUEST_SCHEME':
      return httpScheme(req)
    case 'REQUEST_URI':
      return req.uri
    case 'REQUEST_FILENAME':
    case 'SCRIPT_FILENAME':
      return ctx.filename ?? ''
    case 'REMOTE_HOST':
      // HostnameLookups Off: the "host" is the address.
      return req.remoteAddr
    case 'SERVER_ADMIN':
      return req.serverAdmin ?? NO_ADMIN
    case 'REMOTE_IDENT':
    case 'REQUEST_LOG_ID':
    case 'CONN_LOG_ID':
    case 'SCRIPT_USER':
    case 'SCRIPT_GROUP':
    case 'CONTEXT_PREFIX':
      return ''
    case 'REMOTE_USER':
      return req.user ?? ''
    case 'SERVER_NAME':
      return req.serverName
    case 'SERVER_PORT':
      return String(req.serverPort)
    case 'SERVER_PROTOCOL':
      return req.protocol
    case 'PATH_INFO':
      return ctx.pathInfo ?? ''
    case 'QUERY_STRING':
      return req.query
    case 'IS_SUBREQ':
      return req.subrequest === true ? 'true' : 'false'
    case 'DOCUMENT_ROOT':
    case 'CONTEXT_DOCUMENT_ROOT':
      return req.documentRoot
    case 'AUTH_TYPE':
      return req.authType ?? ''
    case 'THE_REQUEST':
      return req.theRequest
    case 'CONTENT_TYPE':
      return ctx.contentType ?? ''
    case 'HANDLER':
      return ctx.handler ?? ''
    case 'DOCUMENT_URI':
      return envGet(ctx.env, 'DOCUMENT_URI') ?? req.uri
    case 'LAST_MODIFIED': {
      const d = new Date(ctx.mtime ?? 0)
      return (
        pad(d.getFullYear(), 4) +
        pad(d.getMonth() + 1) +
        pad(d.getDate()) +
        pad(d.getHours()) +
        pad(d.getMinutes()) +
        pad(d.getSeconds())
      )
    }
    case 'REQUEST_STATUS':
      // r->status is 200 from the moment the request is read until a handler changes it.
      return String(ctx.response?.status ?? 200)
    case 'REMOTE_ADDR':
      return req.remoteAddr
    case 'REMOTE_PORT':
      return String(req.remotePort)
    case 'HTTPS':
      return req.https ? 'on' : 'off'
    case 'IPV6':
      return isIpv6Client(req.connRemoteAddr ?? req.remoteAddr) ? 'on' : 'off'
    case 'CONN_REMOTE_ADDR':
      return req.connRemoteAddr ?? req.remoteAddr
    case 'HTTP2':
      return 'off'
    case 'SERVER_SOFTWARE':
      // ServerTokens Prod (the AEMaaCS baseline's) when the request does not say.
      return req.serverSoftware ?? 'Apache'
    case 'API_VERSION':
      return API_VERSION_MAJOR
    default:
      return undefined
  }
}
