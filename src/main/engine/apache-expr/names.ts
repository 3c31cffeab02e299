/**
 * Which names ap_expr knows (Apache 2.4 core, `util_expr_eval.c`), and which of them the
 * workbench can evaluate. Apache refuses a configuration that names an unknown variable,
 * function or operator, so those are syntax errors here too.
 */
import type { StringFunctionName } from './ast'

/** `%{NAME}` variables of the core (names are case-insensitive). */
export const EXPR_VARIABLES = new Set([
  'HTTP_USER_AGENT',
  'HTTP_PROXY_CONNECTION',
  'HTTP_REFERER',
  'HTTP_COOKIE',
  'HTTP_FORWARDED',
  'HTTP_HOST',
  'HTTP_ACCEPT',
  'REQUEST_METHOD',
  'REQUEST_SCHEME',
  'REQUEST_URI',
  'REQUEST_FILENAME',
  'REMOTE_HOST',
  'REMOTE_IDENT',
  'REMOTE_USER',
  'SERVER_ADMIN',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'SCRIPT_FILENAME',
  'PATH_INFO',
  'QUERY_STRING',
  'IS_SUBREQ',
  'DOCUMENT_ROOT',
  'AUTH_TYPE',
  'THE_REQUEST',
  'CONTENT_TYPE',
  'HANDLER',
  'REQUEST_LOG_ID',
  'SCRIPT_USER',
  'SCRIPT_GROUP',
  'DOCUMENT_URI',
  'LAST_MODIFIED',
  'CONTEXT_PREFIX',
  'CONTEXT_DOCUMENT_ROOT',
  'REQUEST_STATUS',
  'REMOTE_ADDR',
  'REMOTE_PORT',
  'HTTPS',
  'IPV6',
  'CONN_LOG_ID',
  'CONN_REMOTE_ADDR',
  'HTTP2',
  'TIME_YEAR',
  'TIME_MON',
  'TIME_DAY',
  'TIME_HOUR',
  'TIME_MIN',
  'TIME_SEC',
  'TIME_WDAY',
  'TIME',
  'SERVER_SOFTWARE',
  'API_VERSION'
])

/**
 * The core's string functions, each with what it reads: `request` — the request, its
 * environment, the server's environment or only its argument; `response` — response headers or
 * notes (`env` falls back to them); `files`. Every name must be classified here.
 */
export const STRING_FUNCTIONS: Record<StringFunctionName, 'request' | 'response' | 'files'> = {
  req: 'request',
  http: 'request',
  req_novary: 'request',
  resp: 'response',
  reqenv: 'request',
  note: 'response',
  env: 'response',
  osenv: 'request',
  tolower: 'request',
  toupper: 'request',
  escape: 'request',
  unescape: 'request',
  base64: 'request',
  unbase64: 'request',
  md5: 'request',
  sha1: 'request',
  ldap: 'request',
  file: 'files',
  filesize: 'files'
}

/** Unary operators (looked up case-sensitively, as Apache does). */
export const UNARY_OPERATORS = new Set(['n', 'z', 'T', 'R', 'd', 'e', 'f', 's', 'L', 'h', 'x', 'F', 'U', 'A'])

export const UNSUPPORTED_UNARY: Record<string, string> = {
  F: '-F runs a sub-request through the whole access-check chain, which the workbench does not do',
  U: '-U runs a sub-request for the URL, which the workbench does not do',
  A: '-A runs a sub-request for the URL, which the workbench does not do'
}

export const BINARY_OPERATORS = new Set(['ipmatch', 'fnmatch', 'strmatch', 'strcmatch'])
