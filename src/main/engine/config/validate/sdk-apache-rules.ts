/**
 * The SDK validator's Apache checks on `conf.d/enabled_vhosts/*.vhost` (dispatcher-behavior.md
 * §11.2): only directives of the allow-listed modules, and `Include` only of the files the
 * Cloud knows (plus, in flexible mode, anything under conf.d/includes, modsec, rewrites).
 * The list is ours, assembled from the module list the documentation names.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import type { ApacheNode, ApacheParseResult } from '../apache/ast'
import { parseApacheText } from '../apache/load'
import { isIncludeDirective } from '../apache/parser'
import { isKnownDirective } from '../apache/directives'
import { expandGlob, hasGlobChars, readConfigFile } from '../files'
import { FsMemo } from '../fs-memo'

const ALLOWED_BY_MODULE: Record<string, string[]> = {
  core: [
    'AcceptPathInfo',
    'AddDefaultCharset',
    'AllowEncodedSlashes',
    'AllowOverride',
    'Define',
    'DocumentRoot',
    'ErrorDocument',
    'FileETag',
    'Include',
    'IncludeOptional',
    'LimitRequestBody',
    'LimitRequestFields',
    'LimitRequestFieldSize',
    'LimitRequestLine',
    'Options',
    'ServerAdmin',
    'ServerAlias',
    'ServerName',
    'ServerSignature',
    'SetHandler',
    'SetInputFilter',
    'SetOutputFilter',
    'UnDefine',
    'UseCanonicalName',
    'ForceType',
    'TraceEnable',
    'EnableSendfile',
    'EnableMMAP'
  ],
  mod_access_compat: ['Allow', 'Deny', 'Order', 'Satisfy'],
  mod_alias: [
    'Alias',
    'AliasMatch',
    'Redirect',
    'RedirectMatch',
    'RedirectPermanent',
    'RedirectTemp',
    'ScriptAlias',
    'ScriptAliasMatch'
  ],
  mod_allowmethods: ['AllowMethods'],
  mod_authn_core: ['AuthName', 'AuthType'],
  mod_authn_file: ['AuthUserFile'],
  mod_authz_core: ['Require', 'AuthMerging'],
  mod_authz_groupfile: ['AuthGroupFile'],
  mod_deflate: [
    'DeflateBufferSize',
    'DeflateCompressionLevel',
    'DeflateFilterNote',
    'DeflateMemLevel',
    'DeflateWindowSize'
  ],
  mod_dir: ['DirectoryIndex', 'DirectorySlash', 'FallbackResource', 'DirectoryCheckHandler', 'DirectoryIndexRedirect'],
  mod_env: ['PassEnv', 'SetEnv', 'UnsetEnv'],
  mod_filter: [
    'AddOutputFilterByType',
    'FilterChain',
    'FilterDeclare',
    'FilterProtocol',
    'FilterProvider',
    'FilterTrace'
  ],
  mod_headers: ['Header', 'RequestHeader'],
  mod_mime: [
    'AddCharset',
    'AddEncoding',
    'AddHandler',
    'AddInputFilter',
    'AddLanguage',
    'AddOutputFilter',
    'AddType',
    'DefaultLanguage',
    'ModMimeUsePathInfo',
    'MultiviewsMatch',
    'RemoveCharset',
    'RemoveEncoding',
    'RemoveHandler',
    'RemoveInputFilter',
    'RemoveLanguage',
    'RemoveOutputFilter',
    'RemoveType'
  ],
  mod_proxy: [
    'ProxyPass',
    'ProxyPassMatch',
    'ProxyPassReverse',
    'ProxyPassReverseCookieDomain',
    'ProxyPassReverseCookiePath',
    'ProxyPreserveHost',
    'ProxyTimeout',
    'ProxyErrorOverride',
    'ProxyAddHeaders',
    'ProxySet',
    'ProxyRemote',
    'ProxyVia'
  ],
  mod_remoteip: ['RemoteIPHeader', 'RemoteIPInternalProxy', 'RemoteIPTrustedProxy', 'RemoteIPProxiesHeader'],
  mod_reqtimeout: ['RequestReadTimeout'],
  mod_rewrite: ['RewriteBase', 'RewriteCond', 'RewriteEngine', 'RewriteMap', 'RewriteOptions', 'RewriteRule'],
  mod_setenvif: ['BrowserMatch', 'BrowserMatchNoCase', 'SetEnvIf', 'SetEnvIfExpr', 'SetEnvIfNoCase'],
  mod_ssl: ['SSLProxyEngine'],
  mod_substitute: ['Substitute', 'SubstituteInheritBefore', 'SubstituteMaxLineLength'],
  mod_userdir: ['UserDir'],
  mod_macro: ['Use', 'UndefMacro'],
  mod_dispatcher: [
    'DispatcherConfig',
    'DispatcherDeclineRoot',
    'DispatcherUseProcessedURL',
    'DispatcherPassError',
    'DispatcherKeepAliveTimeout',
    'DispatcherNoCanonURL',
    'DispatcherRestrictUncacheableContent',
    'DispatcherUseForwardedHost'
  ]
}

const ALLOWED_SECTIONS = new Set(
  [
    'VirtualHost',
    'Directory',
    'DirectoryMatch',
    'Files',
    'FilesMatch',
    'Location',
    'LocationMatch',
    'If',
    'ElseIf',
    'Else',
    'IfDefine',
    'IfModule',
    'IfFile',
    'Limit',
    'LimitExcept',
    'RequireAll',
    'RequireAny',
    'RequireNone',
    'Proxy',
    'ProxyMatch',
    'Macro'
  ].map((s) => s.toLowerCase())
)

const ALLOWED = new Map<string, string>()
for (const [mod, names] of Object.entries(ALLOWED_BY_MODULE)) for (const n of names) ALLOWED.set(n.toLowerCase(), mod)

const KNOWN_INCLUDES = [
  'conf.d/rewrites/rewrite.rules',
  'conf.d/variables/custom.vars',
  'conf.d/rewrites/default_rewrite.rules'
]
const FLEXIBLE_FOLDERS = ['conf.d/includes/', 'conf.d/modsec/', 'conf.d/rewrites/']

function isAllowedDirective(name: string): boolean {
  const lower = name.toLowerCase()
  return ALLOWED.has(lower) || lower.startsWith('sec')
}

/**
 * `parsed`: the Apache loader's parse of a file it already read (the enabled vhosts usually
 * are), so they are not read and parsed a second time; anything else is read here.
 */
export function checkVhostDirectives(
  srcDir: string,
  sink: DiagnosticSink,
  memo: FsMemo = new FsMemo(),
  parsed?: (file: string) => ApacheParseResult | undefined
): void {
  const dir = path.join(srcDir, 'conf.d', 'enabled_vhosts')
  if (!memo.exists(dir)) return
  const flexible = memo.exists(path.join(srcDir, 'opt-in', 'USE_SOURCES_DIRECTLY'))
  // The files the vhosts include are held to the same allow-list: a directive does not become
  // acceptable by moving it to conf.d/includes. Each file is checked once.
  const seen = new Set<string>()
  const check = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const nodes = parsed?.(file)?.nodes ?? readAndParse(file, memo)
    if (nodes) walk(nodes)
  }
  const walk = (nodes: ApacheNode[]): void => {
    for (const node of nodes) {
      if (node.type === 'section') {
        if (!ALLOWED_SECTIONS.has(node.name.toLowerCase())) {
          sink.error('SDK_APACHE_DIRECTIVE', 'sdk', `section <${node.name}> is not allowed in the Cloud`, node.pos)
        }
        walk(node.children)
        continue
      }
      if (!isAllowedDirective(node.name)) {
        // A name no module provides (a misspelling) is refused twice over: phase 1 finds it in no
        // allow-list ("If a directive is not allowlisted, the tool logs an error and returns a
        // non-zero exit code", the SDK's docs/Validator.html), phase 2's httpd -t stops on it.
        // The loader's APACHE_INVALID_COMMAND only warns, as it must for classic and AMS layouts.
        const unknown = !isKnownDirective(node.name)
        const near = unknown ? nearestAllowed(node.name) : undefined
        sink.error(
          'SDK_APACHE_DIRECTIVE',
          'sdk',
          unknown
            ? `directive '${node.name}' is not allowed in the Cloud (not in the validator's allow-list), and no module provides it: httpd -t says "Invalid command '${node.name}', perhaps misspelled or defined by a module not included in the server configuration"${near ? ` (did you mean ${near}?)` : ''}`
            : `directive '${node.name}' is not allowed in the Cloud (not in the validator's allow-list)`,
          node.pos
        )
      }
      if (isIncludeDirective(node.name) && node.args[0]) {
        const target = path.posix.normalize(node.args[0].replace(/^\/etc\/httpd\//, ''))
        if (target.startsWith('../') || target === '..') {
          sink.error(
            'SDK_PARENT_OUTSIDE_ROOT',
            'sdk',
            `parent directory outside server root (${node.args[0]})`,
            node.pos
          )
          continue
        }
        const known =
          KNOWN_INCLUDES.includes(target) || (flexible && FLEXIBLE_FOLDERS.some((f) => target.startsWith(f)))
        if (!known) {
          sink.error(
            'SDK_APACHE_INCLUDE_UNKNOWN',
            'sdk',
            `included file (${node.args[0]}) does not match any known file`,
            node.pos
          )
          continue
        }
        const abs = path.join(srcDir, target)
        const files = hasGlobChars(target) ? expandGlob(abs, memo).files : memo.exists(abs) ? [abs] : []
        for (const f of files) check(f)
      }
    }
  }
  for (const name of (memo.readdir(dir) ?? fs.readdirSync(dir)).slice().sort()) {
    if (name.endsWith('.vhost')) check(path.join(dir, name))
  }
}

/**
 * The allow-listed directive a misspelt name most likely meant: the closest by edit distance,
 * at most two edits (and fewer than half the name) away. Only asked for names no module knows.
 */
function nearestAllowed(name: string): string | undefined {
  const lower = name.toLowerCase()
  const limit = Math.min(2, Math.floor((lower.length - 1) / 2))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const names of Object.values(ALLOWED_BY_MODULE)) {
    for (const candidate of names) {
      if (Math.abs(candidate.length - lower.length) >= bestDistance) continue
      const d = editDistance(lower, candidate.toLowerCase())
      if (d < bestDistance) {
        best = candidate
        bestDistance = d
      }
    }
  }
  return best
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)))
    }
    prev = row
  }
  return prev[b.length]
}

function readAndParse(file: string, memo: FsMemo): ApacheNode[] | undefined {
  const read = readConfigFile(file, memo)
  return read.ok ? parseApacheText(read.text, read.file).nodes : undefined
}
