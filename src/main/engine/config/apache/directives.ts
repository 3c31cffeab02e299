/**
 * Directive and section names of httpd 2.4 and of the modules the AEMaaCS image loads, by the
 * module that provides them. Used for the canonical spelling of a directive written in any
 * case (`ReWriteEngine` → `RewriteEngine`, directive names are case-insensitive) and for
 * `<IfDirective>` / `<IfSection>`, which test whether a loaded module provides the name.
 */
import { textMemo } from '../../text-memo'

/** Module identifier (as in LoadModule) → directives it provides. `core` is always present. */
const DIRECTIVES: Record<string, string> = {
  core:
    'AcceptFilter AcceptPathInfo AccessFileName AddDefaultCharset AllowEncodedSlashes AllowOverride ' +
    'AllowOverrideList CGIMapExtension CGIPassAuth CGIVar ContentDigest DefaultRuntimeDir DefaultType Define ' +
    'DocumentRoot EnableMMAP EnableSendfile Error ErrorDocument ErrorLog ErrorLogFormat ExtendedStatus FileETag ' +
    'HostnameLookups HttpProtocolOptions Include IncludeOptional KeepAlive KeepAliveTimeout LimitInternalRecursion ' +
    'LimitRequestBody LimitRequestFields LimitRequestFieldSize LimitRequestLine LimitXMLRequestBody LogLevel ' +
    'MaxKeepAliveRequests MaxRangeOverlaps MaxRangeReversals MaxRanges MergeSlashes MergeTrailers Mutex ' +
    'NameVirtualHost Options Protocol Protocols ProtocolsHonorOrder QualifyRedirectURL RegisterHttpMethod ' +
    'RLimitCPU RLimitMEM RLimitNPROC ScriptInterpreterSource SeeRequestTail ServerAdmin ServerAlias ServerName ' +
    'ServerPath ServerRoot ServerSignature ServerTokens SetHandler SetInputFilter SetOutputFilter StrictHostCheck ' +
    'TimeOut TraceEnable UnDefine UseCanonicalName UseCanonicalPhysicalPort ForceType FlushMaxPipelined ' +
    'FlushMaxThreshold ReadBufferSize ' +
    // mpm_common, present with every MPM
    'CoreDumpDirectory GracefulShutdownTimeout Listen ListenBacklog ListenCoresBucketsRatio MaxConnectionsPerChild ' +
    'MaxMemFree MaxRequestWorkers MaxSpareThreads MinSpareThreads PidFile ReceiveBufferSize ScoreBoardFile ' +
    'SendBufferSize ServerLimit StartServers ThreadLimit ThreadsPerChild ThreadStackSize MaxSpareServers ' +
    'MinSpareServers MaxRequestsPerChild MaxClients',
  so_module: 'LoadModule LoadFile',
  unixd_module: 'User Group ChrootDir Suexec',
  log_config_module: 'BufferedLogs CustomLog GlobalLog LogFormat TransferLog',
  logio_module: 'LogIOTrackTTFB',
  alias_module:
    'RedirectRelative AliasPreservePath Alias AliasMatch Redirect RedirectMatch RedirectPermanent RedirectTemp ScriptAlias ScriptAliasMatch',
  rewrite_module: 'RewriteBase RewriteCond RewriteEngine RewriteMap RewriteOptions RewriteRule',
  headers_module: 'Header RequestHeader',
  setenvif_module: 'BrowserMatch BrowserMatchNoCase SetEnvIf SetEnvIfExpr SetEnvIfNoCase',
  env_module: 'PassEnv SetEnv UnsetEnv',
  expires_module: 'ExpiresActive ExpiresByType ExpiresDefault',
  deflate_module:
    'DeflateAlterETag DeflateBufferSize DeflateCompressionLevel DeflateFilterNote DeflateInflateLimitRequestBody ' +
    'DeflateInflateRatioBurst DeflateInflateRatioLimit DeflateMemLevel DeflateWindowSize',
  filter_module: 'AddOutputFilterByType FilterChain FilterDeclare FilterProtocol FilterProvider FilterTrace',
  mime_module:
    'AddCharset AddEncoding AddHandler AddInputFilter AddLanguage AddOutputFilter AddType DefaultLanguage ' +
    'ModMimeUsePathInfo MultiviewsMatch RemoveCharset RemoveEncoding RemoveHandler RemoveInputFilter RemoveLanguage ' +
    'RemoveOutputFilter RemoveType TypesConfig',
  mime_magic_module: 'MimeMagicFile',
  dir_module: 'DirectoryCheckHandler DirectoryIndex DirectoryIndexRedirect DirectorySlash FallbackResource',
  autoindex_module:
    'AddAlt AddAltByEncoding AddAltByType AddDescription AddIcon AddIconByEncoding AddIconByType DefaultIcon ' +
    'HeaderName IndexHeadInsert IndexIgnore IndexIgnoreReset IndexOptions IndexOrderDefault IndexStyleSheet ReadmeName',
  negotiation_module: 'CacheNegotiatedDocs ForceLanguagePriority LanguagePriority',
  include_module:
    'SSIEndTag SSIErrorMsg SSIETag SSILastModified SSILegacyExprParser SSIStartTag SSITimeFormat SSIUndefinedEcho XBitHack',
  proxy_module:
    'Proxy100Continue BalancerGrowth BalancerInherit BalancerMember BalancerPersist NoProxy ProxyAddHeaders ProxyBadHeader ProxyBlock ' +
    'ProxyDomain ProxyErrorOverride ProxyIOBufferSize ProxyMaxForwards ProxyPass ProxyPassInherit ' +
    'ProxyPassInterpolateEnv ProxyPassMatch ProxyPassReverse ProxyPassReverseCookieDomain ProxyPassReverseCookiePath ' +
    'ProxyPreserveHost ProxyReceiveBufferSize ProxyRemote ProxyRemoteMatch ProxyRequests ProxySet ProxySourceAddress ' +
    'ProxyStatus ProxyTimeout ProxyVia',
  remoteip_module:
    'RemoteIPHeader RemoteIPInternalProxy RemoteIPInternalProxyList RemoteIPProxiesHeader RemoteIPProxyProtocol ' +
    'RemoteIPProxyProtocolExceptions RemoteIPTrustedProxy RemoteIPTrustedProxyList',
  reqtimeout_module: 'RequestReadTimeout',
  substitute_module: 'Substitute SubstituteInheritBefore SubstituteMaxLineLength',
  ssl_module:
    'SSLCACertificateFile SSLCACertificatePath SSLCertificateChainFile SSLCertificateFile SSLCertificateKeyFile ' +
    'SSLCipherSuite SSLCompression SSLCryptoDevice SSLEngine SSLHonorCipherOrder SSLOptions SSLPassPhraseDialog ' +
    'SSLProtocol SSLProxyCACertificateFile SSLProxyCACertificatePath SSLProxyCheckPeerCN SSLProxyCheckPeerExpire ' +
    'SSLProxyCheckPeerName SSLProxyCipherSuite SSLProxyEngine SSLProxyMachineCertificateFile SSLProxyProtocol ' +
    'SSLProxyVerify SSLProxyVerifyDepth SSLRandomSeed SSLRequire SSLRequireSSL SSLSessionCache ' +
    'SSLSessionCacheTimeout SSLStaplingCache SSLUseStapling SSLVerifyClient SSLVerifyDepth',
  dispatcher_module:
    'DispatcherConfig DispatcherLog DispatcherLogLevel DispatcherDeclineRoot DispatcherUseProcessedURL ' +
    'DispatcherPassError DispatcherKeepAliveTimeout DispatcherNoCanonURL DispatcherRestrictUncacheableContent ' +
    'DispatcherUseForwardedHost DispatcherNoServerHeader',
  authz_core_module: 'AuthMerging AuthzSendForbiddenOnFailure Require',
  authn_core_module: 'AuthName AuthType',
  auth_basic_module: 'AuthBasicAuthoritative AuthBasicFake AuthBasicProvider AuthBasicUseDigestAlgorithm',
  authn_file_module: 'AuthUserFile',
  authz_groupfile_module: 'AuthGroupFile',
  access_compat_module: 'Allow Deny Order Satisfy',
  allowmethods_module: 'AllowMethods',
  macro_module: 'Use UndefMacro',
  userdir_module: 'UserDir',
  security2_module:
    'SecAction SecArgumentSeparator SecAuditEngine SecAuditLog SecAuditLogParts SecAuditLogRelevantStatus ' +
    'SecAuditLogStorageDir SecAuditLogType SecCollectionTimeout SecComponentSignature SecCookieFormat SecDataDir ' +
    'SecDebugLog SecDebugLogLevel SecDefaultAction SecMarker SecPcreMatchLimit SecPcreMatchLimitRecursion ' +
    'SecRequestBodyAccess SecRequestBodyLimit SecRequestBodyLimitAction SecRequestBodyNoFilesLimit ' +
    'SecResponseBodyAccess SecResponseBodyLimit SecResponseBodyLimitAction SecResponseBodyMimeType SecRule ' +
    'SecRuleEngine SecRuleRemoveById SecRuleRemoveByTag SecRuleUpdateActionById SecRuleUpdateTargetById ' +
    'SecStatusEngine SecTmpDir SecUnicodeMapFile'
}

/** Module identifier → section names (without `<`) it provides. */
const SECTIONS: Record<string, string> = {
  core:
    'Directory DirectoryMatch Else ElseIf Files FilesMatch If IfDefine IfDirective IfFile IfModule IfSection Limit ' +
    'LimitExcept Location LocationMatch VirtualHost',
  authz_core_module: 'AuthzProviderAlias RequireAll RequireAny RequireNone',
  authn_core_module: 'AuthnProviderAlias',
  proxy_module: 'Proxy ProxyMatch',
  version_module: 'IfVersion',
  macro_module: 'Macro'
}

interface Known {
  canonical: string
  module: string
}

function index(table: Record<string, string>): Map<string, Known> {
  const map = new Map<string, Known>()
  for (const [module, names] of Object.entries(table)) {
    for (const name of names.split(' ')) map.set(name.toLowerCase(), { canonical: name, module })
  }
  return map
}

const directiveIndex = index(DIRECTIVES)
const sectionIndex = index(SECTIONS)

/**
 * The documented spelling of a directive or section, or the name as written when httpd does not
 * know it. Remembered (text-memo.ts): include bombs repeat the same few hundred names a million times.
 */
export const canonicalDirective = textMemo((name) => directiveIndex.get(name.toLowerCase())?.canonical ?? name)
export const canonicalSection = textMemo((name) => sectionIndex.get(name.toLowerCase())?.canonical ?? name)

/** A section of httpd 2.4 or of one of the modules listed here (name without `<`). */
export function isKnownSection(name: string): boolean {
  return sectionIndex.has(name.toLowerCase())
}

/** A directive of httpd 2.4 or of one of the modules listed here, whether loaded or not. */
export function isKnownDirective(name: string): boolean {
  return directiveIndex.has(name.toLowerCase())
}

/** The module providing a directive (`headers_module`, `core`), undefined for one httpd does not know. */
export function directiveModule(name: string): string | undefined {
  return directiveIndex.get(name.toLowerCase())?.module
}

/** `<IfDirective name>`: a directive provided by the core or a loaded module. */
export function directiveAvailable(name: string, isLoaded: (moduleId: string) => boolean): boolean {
  const k = directiveIndex.get(name.toLowerCase())
  return k !== undefined && (k.module === 'core' || isLoaded(k.module))
}

/** `<IfSection name>`: a section provided by the core or a loaded module. */
export function sectionAvailable(name: string, isLoaded: (moduleId: string) => boolean): boolean {
  const k = sectionIndex.get(name.replace(/^</, '').toLowerCase())
  return k !== undefined && (k.module === 'core' || isLoaded(k.module))
}
