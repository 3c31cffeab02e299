/**
 * How many words httpd 2.4.68 lets each directive have, from its command table (TAKE1, TAKE12,
 * FLAG, ITERATE…: ap_execute_cmd in server/config.c), with the help text `apache2 -t` appends to
 * the refusal (`ServerName takes one argument, The hostname and port of the server`). Read off
 * Debian's apache2 -t itself, directive by directive. Directives whose handler reads the raw line
 * (RAW_ARGS: Header, RewriteRule, Options, SetEnvIf…) are not here: their own checks say why.
 * A few keyword-valued ones are checked too (UseCanonicalName, ServerTokens, AllowOverride…).
 *
 * Note how httpd counts: a quoted empty word ends the list (`SetEnv ""` has no argument), and a
 * `#` after the arguments is not a comment but more words (`ServerName a # b` has three). A FLAG
 * directive reads its first word only: `KeepAlive On # x` is taken.
 */

import { fnmatchTest } from '../../match/ap-match'

const TAKE1 = 'TAKE1'
const TAKE2 = 'TAKE2'
const TAKE3 = 'TAKE3'
const TAKE12 = 'TAKE12'
const TAKE23 = 'TAKE23'
const TAKE123 = 'TAKE123'
const ITERATE = 'ITERATE'
const ITERATE2 = 'ITERATE2'
const FLAG = 'FLAG'
type Arity =
  | typeof TAKE1
  | typeof TAKE2
  | typeof TAKE3
  | typeof TAKE12
  | typeof TAKE23
  | typeof TAKE123
  | typeof ITERATE
  | typeof ITERATE2
  | typeof FLAG

/** Directive (our canonical spelling) → [arity, help text, httpd's spelling when it differs]. */
const TABLE: Record<string, [Arity, string?, string?]> = {
  AcceptFilter: [TAKE2, 'Set the Accept Filter to use for a protocol'],
  AcceptPathInfo: [
    TAKE1,
    'Set to on or off for PATH_INFO to be accepted by handlers, or default for the per-handler preference'
  ],
  AddDefaultCharset: [
    TAKE1,
    "The name of the default charset to add to any Content-Type without one or 'Off' to disable"
  ],
  AllowEncodedSlashes: [TAKE1, "Allow URLs containing '/' encoded as '%2F'"],
  CGIPassAuth: [FLAG, ''],
  CGIVar: [TAKE2, 'Controls how some CGI variables are set'],
  ContentDigest: [FLAG, ''],
  DefaultRuntimeDir: [TAKE1, 'Common directory for run-time files (shared memory, locks, etc.)'],
  DefaultType: [TAKE1, 'the default media type for otherwise untyped files (DEPRECATED)'],
  Define: [TAKE12, 'Define a variable, optionally to a value.  Same as passing -D to the command line.'],
  DocumentRoot: [TAKE1, 'Root directory of the document tree'],
  EnableMMAP: [TAKE1, 'Controls whether memory-mapping may be used to read files'],
  EnableSendfile: [TAKE1, 'Controls whether sendfile may be used to transmit files'],
  ErrorDocument: [TAKE2, 'Change responses for HTTP errors'],
  ErrorLog: [TAKE1, 'The filename of the error log'],
  ErrorLogFormat: [TAKE12, 'Format string for the ErrorLog'],
  ExtendedStatus: [FLAG, ''],
  HostnameLookups: [
    TAKE1,
    '"on" to enable, "off" to disable reverse DNS lookups, or "double" to enable double-reverse DNS lookups'
  ],
  HttpProtocolOptions: [
    ITERATE,
    "'Allow0.9' or 'Require1.0' (default); 'RegisteredMethods' or 'LenientMethods' (default); 'Unsafe' or 'Strict' (default). Sets HTTP acceptance rules"
  ],
  Include: [
    TAKE1,
    'Name(s) of the config file(s) to be included; fails if the wildcard does not match at least one file'
  ],
  IncludeOptional: [
    TAKE1,
    'Name or pattern of the config file(s) to be included; ignored if the file does not exist or the pattern does not match any files'
  ],
  KeepAlive: [FLAG, ''],
  KeepAliveTimeout: [TAKE1, 'Keep-Alive timeout duration (sec)'],
  LimitInternalRecursion: [TAKE12, 'maximum recursion depth of internal redirects and subrequests'],
  LimitRequestBody: [TAKE1, 'Limit (in bytes) on maximum size of request message body'],
  LimitRequestFields: [TAKE1, 'Limit (0 = unlimited) on max number of header fields in a request message'],
  LimitRequestFieldSize: [TAKE1, 'Limit on maximum size of an HTTP request header field', 'LimitRequestFieldsize'],
  LimitRequestLine: [TAKE1, 'Limit on maximum size of an HTTP request line'],
  LimitXMLRequestBody: [TAKE1, 'Limit (in bytes) on maximum size of an XML-based request body'],
  LogLevel: [ITERATE, 'Level of verbosity in error logging'],
  MaxKeepAliveRequests: [TAKE1, 'Maximum number of Keep-Alive requests per connection, or 0 for infinite'],
  MaxRangeOverlaps: [
    TAKE1,
    'Maximum number of overlaps in Ranges in a request before returning the entire resource, or 0 for unlimited'
  ],
  MaxRangeReversals: [
    TAKE1,
    'Maximum number of reversals in Ranges in a request before returning the entire resource, or 0 for unlimited'
  ],
  MaxRanges: [TAKE1, 'Maximum number of Ranges in a request before returning the entire resource, or 0 for unlimited'],
  MergeSlashes: [FLAG, ''],
  MergeTrailers: [FLAG, ''],
  NameVirtualHost: [TAKE1, 'A numeric IP address:port, or the name of a host'],
  Protocol: [TAKE1, 'Set the Protocol for httpd to use.'],
  Protocols: [ITERATE, 'Controls which protocols are allowed'],
  ProtocolsHonorOrder: [
    TAKE1,
    "'off' (default) or 'on' to respect given order of protocols, by default the client specified order determines selection"
  ],
  QualifyRedirectURL: [FLAG, ''],
  RegisterHttpMethod: [ITERATE, 'Registers non-standard HTTP methods'],
  RLimitCPU: [TAKE12, 'Soft/hard limits for max CPU usage in seconds'],
  RLimitMEM: [TAKE12, 'Soft/hard limits for max memory usage per process'],
  RLimitNPROC: [TAKE12, 'soft/hard limits for max number of processes per uid'],
  SeeRequestTail: [FLAG, ''],
  ServerAdmin: [TAKE1, 'The email address of the server administrator'],
  ServerName: [TAKE1, 'The hostname and port of the server'],
  ServerPath: [TAKE1, 'The pathname the server can be reached at'],
  ServerRoot: [TAKE1, 'Common directory of server-related files (logs, confs, etc.)'],
  ServerSignature: [TAKE1, 'En-/disable server signature (on|off|email)'],
  ServerTokens: [
    TAKE1,
    'Determine tokens displayed in the Server: header - Min(imal), Major, Minor, Prod(uctOnly), OS, or Full'
  ],
  SetHandler: [TAKE1, 'a handler name that overrides any other configured handler'],
  SetInputFilter: [TAKE1, 'filter (or ; delimited list of filters) to be run on the request body'],
  SetOutputFilter: [TAKE1, 'filter (or ; delimited list of filters) to be run on the request content'],
  StrictHostCheck: [FLAG, ''],
  TimeOut: [TAKE1, 'Timeout duration (sec)', 'Timeout'],
  TraceEnable: [TAKE1, "'on' (default), 'off' or 'extended' to trace request body content"],
  UnDefine: [TAKE1, 'Undefine the existence of a variable. Undo a Define.'],
  UseCanonicalName: [TAKE1, 'How to work out the ServerName : Port when constructing URLs'],
  UseCanonicalPhysicalPort: [TAKE1, 'Whether to use the physical Port when constructing URLs'],
  ForceType: [TAKE1, 'a mime type that overrides other configured type'],
  // mod_dispatcher's (not in Debian's httpd, so without its help text): one file.
  DispatcherConfig: [TAKE1],
  FlushMaxPipelined: [
    TAKE1,
    'Maximum number of pipelined responses (pending) above which they are flushed to the network'
  ],
  FlushMaxThreshold: [TAKE1, 'Maximum threshold above which pending data are flushed to the network'],
  ReadBufferSize: [TAKE1, 'Size (in bytes) of the memory buffers used to read data'],
  CoreDumpDirectory: [TAKE1, 'The location of the directory Apache changes to before dumping core'],
  GracefulShutdownTimeout: [
    TAKE1,
    'Maximum time in seconds to wait for child processes to complete transactions during shutdown'
  ],
  ListenBacklog: [TAKE1, 'Maximum length of the queue of pending connections, as used by listen(2)'],
  ListenCoresBucketsRatio: [
    TAKE1,
    'Ratio between the number of CPU cores (online) and the number of listeners buckets'
  ],
  MaxConnectionsPerChild: [TAKE1, 'Maximum number of connections a particular child serves before dying.'],
  MaxMemFree: [TAKE1, "Maximum number of 1k blocks a particular child's allocator may hold."],
  MaxRequestWorkers: [TAKE1, 'Maximum number of threads alive at the same time'],
  MaxSpareThreads: [TAKE1, 'Maximum number of idle threads'],
  MinSpareThreads: [TAKE1, 'Minimum number of idle threads, to handle request spikes'],
  PidFile: [TAKE1, 'A file for logging the server process ID'],
  ReceiveBufferSize: [TAKE1, 'Receive buffer size in bytes'],
  ScoreBoardFile: [TAKE1, 'A file for Apache to maintain runtime process management information'],
  SendBufferSize: [TAKE1, 'Send buffer size in bytes'],
  ServerLimit: [TAKE1, 'Maximum number of child processes for this run of Apache'],
  StartServers: [TAKE1, 'Number of child processes launched at server startup'],
  ThreadLimit: [
    TAKE1,
    'Maximum number of worker threads per child process for this run of Apache - Upper limit for ThreadsPerChild'
  ],
  ThreadsPerChild: [TAKE1, 'Number of threads each child creates'],
  ThreadStackSize: [TAKE1, 'Size in bytes of stack used by threads handling client connections'],
  MaxRequestsPerChild: [
    TAKE1,
    'Maximum number of connections a particular child serves before dying. (DEPRECATED, use MaxConnectionsPerChild)'
  ],
  MaxClients: [TAKE1, 'Deprecated name of MaxRequestWorkers'],
  LoadModule: [TAKE2, 'a module name and the name of a shared object file to load it from'],
  LoadFile: [ITERATE, 'shared object file or library to load into the server at runtime'],
  User: [TAKE1, 'Effective user id for this server'],
  Group: [TAKE1, 'Effective group id for this server'],
  ChrootDir: [TAKE1, 'The directory to chroot(2) into'],
  Suexec: [FLAG, ''],
  BufferedLogs: [FLAG, ''],
  CustomLog: [
    TAKE23,
    'a file name, a custom log format string or format name, and an optional "env=" or "expr=" clause (see docs)'
  ],
  GlobalLog: [TAKE23, 'Same as CustomLog, but forces virtualhosts to inherit the log'],
  LogFormat: [TAKE12, 'a log format string (see docs) and an optional format name'],
  TransferLog: [TAKE1, 'the filename of the access log'],
  LogIOTrackTTFB: [FLAG, ''],
  RedirectRelative: [FLAG, ''],
  AliasPreservePath: [FLAG, ''],
  Alias: [TAKE12, 'a fakename and a realname, or a realname in a Location'],
  AliasMatch: [TAKE2, 'a regular expression and a filename'],
  Redirect: [TAKE123, 'an optional status, then document to be redirected and destination URL'],
  RedirectMatch: [TAKE23, 'an optional status, then a regular expression and destination URL'],
  RedirectPermanent: [TAKE2, 'a document to be redirected, then the destination URL'],
  RedirectTemp: [TAKE2, 'a document to be redirected, then the destination URL'],
  ScriptAlias: [TAKE12, 'a fakename and a realname, or a realname in a Location'],
  ScriptAliasMatch: [TAKE2, 'a regular expression and a filename'],
  RewriteBase: [TAKE1, 'the base URL of the per-directory context'],
  RewriteEngine: [FLAG, ''],
  RewriteMap: [TAKE23, 'a mapname and a filename and options'],
  RewriteOptions: [ITERATE, 'List of option strings to set'],
  PassEnv: [ITERATE, 'a list of environment variables to pass to CGI.'],
  SetEnv: [TAKE12, 'an environment variable name and optional value to pass to CGI.'],
  UnsetEnv: [ITERATE, 'a list of variables to remove from the CGI environment.'],
  ExpiresActive: [FLAG, ''],
  ExpiresByType: [TAKE2, 'a MIME type followed by an expiry date code'],
  ExpiresDefault: [TAKE1, 'an expiry date code'],
  DeflateAlterETag: [
    TAKE1,
    "Set how mod_deflate should modify ETAG response headers: 'AddSuffix' (default), 'NoChange' (2.2.x behavior), 'Remove'",
    'DeflateAlterEtag'
  ],
  DeflateBufferSize: [TAKE1, 'Set the Deflate Buffer Size'],
  DeflateCompressionLevel: [TAKE1, 'Set the Deflate Compression Level (1-9)'],
  DeflateFilterNote: [TAKE12, 'Set a note to report on compression ratio'],
  DeflateInflateLimitRequestBody: [TAKE1, 'Set a limit on size of inflated input'],
  DeflateInflateRatioBurst: [TAKE1, 'Set the maximum number of following inflate ratios above limit (default: 3)'],
  DeflateInflateRatioLimit: [TAKE1, 'Set the inflate ratio limit above which inflation is aborted (default: 200)'],
  DeflateMemLevel: [TAKE1, 'Set the Deflate Memory Level (1-9)'],
  DeflateWindowSize: [TAKE1, 'Set the Deflate window size (1-15)'],
  AddOutputFilterByType: [ITERATE2, ''],
  FilterChain: [ITERATE, 'list of filter names with optional [+-=!@]'],
  FilterDeclare: [TAKE12, 'filter-name [filter-type]'],
  FilterProtocol: [TAKE23, 'filter-name [provider-name] protocol-args'],
  FilterProvider: [TAKE3, 'filter-name provider-name match-expression'],
  FilterTrace: [TAKE2, 'filter-name debug-level'],
  AddCharset: [ITERATE2, 'a charset (e.g., iso-2022-jp), followed by one or more file extensions'],
  AddEncoding: [ITERATE2, 'an encoding (e.g., gzip), followed by one or more file extensions'],
  AddHandler: [ITERATE2, 'a handler name followed by one or more file extensions'],
  AddInputFilter: [ITERATE2, 'input filter name (or ; delimited names) followed by one or more file extensions'],
  AddLanguage: [ITERATE2, 'a language (e.g., fr), followed by one or more file extensions'],
  AddOutputFilter: [ITERATE2, 'output filter name (or ; delimited names) followed by one or more file extensions'],
  AddType: [ITERATE2, 'a mime type followed by one or more file extensions'],
  DefaultLanguage: [TAKE1, 'language to use for documents with no other language file extension'],
  ModMimeUsePathInfo: [FLAG, ''],
  MultiviewsMatch: [ITERATE, 'NegotiatedOnly (default), Handlers and/or Filters, or Any'],
  RemoveCharset: [ITERATE, 'one or more file extensions'],
  RemoveEncoding: [ITERATE, 'one or more file extensions'],
  RemoveHandler: [ITERATE, 'one or more file extensions'],
  RemoveInputFilter: [ITERATE, 'one or more file extensions'],
  RemoveLanguage: [ITERATE, 'one or more file extensions'],
  RemoveOutputFilter: [ITERATE, 'one or more file extensions'],
  RemoveType: [ITERATE, 'one or more file extensions'],
  TypesConfig: [TAKE1, 'the MIME types config file'],
  MimeMagicFile: [TAKE1, 'Path to MIME Magic file (in file(1) format)'],
  DirectoryCheckHandler: [FLAG, ''],
  DirectoryIndexRedirect: [TAKE1, 'On, Off, or a 3xx status code.'],
  DirectorySlash: [FLAG, ''],
  FallbackResource: [TAKE1, 'Set a default handler'],
  AddAlt: [ITERATE2, 'alternate descriptive text followed by one or more filenames'],
  AddAltByEncoding: [ITERATE2, 'alternate descriptive text followed by one or more content encodings'],
  AddAltByType: [ITERATE2, 'alternate descriptive text followed by one or more MIME types'],
  AddDescription: [ITERATE2, 'Descriptive text followed by one or more filenames'],
  AddIcon: [ITERATE2, 'an icon URL followed by one or more filenames'],
  AddIconByEncoding: [ITERATE2, 'an icon URL followed by one or more content encodings'],
  AddIconByType: [ITERATE2, 'an icon URL followed by one or more MIME types'],
  DefaultIcon: [TAKE1, 'an icon URL'],
  HeaderName: [TAKE1, 'a filename'],
  IndexHeadInsert: [TAKE1, 'String to insert in HTML HEAD section'],
  IndexIgnore: [ITERATE, 'one or more file extensions'],
  IndexIgnoreReset: [FLAG, ''],
  IndexOrderDefault: [TAKE2, '{Ascending,Descending} {Name,Size,Description,Date}'],
  IndexStyleSheet: [TAKE1, 'URL to style sheet'],
  ReadmeName: [TAKE1, 'a filename'],
  CacheNegotiatedDocs: [FLAG, ''],
  ForceLanguagePriority: [ITERATE, 'Force LanguagePriority elections, either None, or Fallback and/or Prefer'],
  LanguagePriority: [ITERATE, 'space-delimited list of MIME language abbreviations'],
  SSIEndTag: [TAKE1, 'SSI End String Tag'],
  SSIErrorMsg: [TAKE1, 'a string'],
  SSIETag: [FLAG, '', 'SSIEtag'],
  SSILastModified: [FLAG, ''],
  SSILegacyExprParser: [FLAG, ''],
  SSIStartTag: [TAKE1, 'SSI Start String Tag'],
  SSITimeFormat: [TAKE1, 'a strftime(3) formatted string'],
  SSIUndefinedEcho: [TAKE1, 'String to be displayed if an echoed variable is undefined'],
  XBitHack: [TAKE1, 'Off, On, or Full'],
  Proxy100Continue: [FLAG, ''],
  BalancerGrowth: [TAKE1, 'Number of additional Balancers that can be added post-config'],
  BalancerInherit: [FLAG, ''],
  BalancerPersist: [FLAG, ''],
  NoProxy: [ITERATE, 'A list of domains, hosts, or subnets to which the proxy will connect directly'],
  ProxyAddHeaders: [FLAG, ''],
  ProxyBadHeader: [TAKE1, 'How to handle bad header line in response: IsError | Ignore | StartBody'],
  ProxyBlock: [ITERATE, 'A list of names, hosts or domains to which the proxy will not connect'],
  ProxyDomain: [TAKE1, 'The default intranet domain name (in absence of a domain in the URL)'],
  ProxyErrorOverride: [ITERATE, "use our error handling pages instead of the servers' we are proxying"],
  ProxyIOBufferSize: [TAKE1, 'IO buffer size for outgoing HTTP and FTP connections in bytes'],
  ProxyMaxForwards: [TAKE1, 'The maximum number of proxies a request may be forwarded through.'],
  ProxyPassInherit: [FLAG, ''],
  ProxyPassInterpolateEnv: [FLAG, ''],
  ProxyPassReverse: [TAKE123, 'a virtual path and a URL for reverse proxy behaviour'],
  ProxyPassReverseCookieDomain: [TAKE23, 'Domain rewrite rule for proxying cookies'],
  ProxyPassReverseCookiePath: [TAKE23, 'Path rewrite rule for proxying cookies'],
  ProxyPreserveHost: [FLAG, ''],
  ProxyReceiveBufferSize: [TAKE1, 'Receive buffer size for outgoing HTTP and FTP connections in bytes'],
  ProxyRemote: [TAKE23, "a scheme, partial URL or '*' and a proxy server"],
  ProxyRemoteMatch: [TAKE23, 'a regex pattern and a proxy server'],
  ProxyRequests: [FLAG, ''],
  ProxySourceAddress: [TAKE1, 'Configure local source IP used for request forward'],
  ProxyStatus: [TAKE1, 'Configure Status: proxy status to one of: on | off | full'],
  ProxyTimeout: [TAKE1, 'Set the timeout (in seconds) for a proxied connection. This overrides the server timeout'],
  ProxyVia: [TAKE1, 'Configure Via: proxy header header to one of: on | off | block | full'],
  RemoteIPHeader: [TAKE1, 'Specifies a request header to trust as the client IP, e.g. X-Forwarded-For'],
  RemoteIPInternalProxy: [
    ITERATE,
    'Specifies one or more internal (transparent) proxies which are trusted to present IP headers'
  ],
  RemoteIPInternalProxyList: [
    TAKE1,
    'The filename to read the list of internal proxies, see the RemoteIPInternalProxy directive'
  ],
  RemoteIPProxiesHeader: [
    TAKE1,
    "Specifies a request header to record proxy IP's, e.g. X-Forwarded-By; if not given then do not record"
  ],
  RemoteIPProxyProtocol: [FLAG, ''],
  RemoteIPTrustedProxy: [ITERATE, 'Specifies one or more proxies which are trusted to present IP headers'],
  RemoteIPTrustedProxyList: [
    TAKE1,
    'The filename to read the list of trusted proxies, see the RemoteIPTrustedProxy directive'
  ],
  Substitute: [TAKE1, 'Pattern to filter the response content (s/foo/bar/[inf])'],
  SubstituteInheritBefore: [FLAG, ''],
  SubstituteMaxLineLength: [TAKE1, 'Maximum line length'],
  SSLCACertificateFile: [TAKE1, "SSL CA Certificate file ('/path/to/file' - PEM encoded)"],
  SSLCACertificatePath: [TAKE1, "SSL CA Certificate path ('/path/to/dir' - contains PEM encoded files)"],
  SSLCertificateChainFile: [TAKE1, "SSL Server CA Certificate Chain file ('/path/to/file' - PEM encoded)"],
  SSLCertificateFile: [TAKE1, "SSL Server Certificate file ('/path/to/file' - PEM or DER encoded)"],
  SSLCertificateKeyFile: [TAKE1, "SSL Server Private Key file ('/path/to/file' - PEM or DER encoded)"],
  SSLCipherSuite: [
    TAKE12,
    "Colon-delimited list of permitted SSL Ciphers, optional preceded by protocol identifier ('XXX:...:XXX' - see manual)"
  ],
  SSLCompression: [FLAG, ''],
  SSLCryptoDevice: [TAKE1, "SSL external Crypto Device usage ('builtin', '...')"],
  SSLEngine: [TAKE1, "SSL switch for the protocol engine ('on', 'off')"],
  SSLHonorCipherOrder: [FLAG, ''],
  SSLPassPhraseDialog: [
    TAKE1,
    "SSL dialog mechanism for the pass phrase query ('builtin', '|/path/to/pipe_program', or 'exec:/path/to/cgi_program')"
  ],
  SSLProxyCACertificateFile: [
    TAKE1,
    "SSL Proxy: file containing server certificates ('/path/to/file' - PEM encoded certificates)"
  ],
  SSLProxyCACertificatePath: [
    TAKE1,
    "SSL Proxy: directory containing server certificates ('/path/to/dir' - contains PEM encoded certificates)"
  ],
  SSLProxyCheckPeerCN: [FLAG, ''],
  SSLProxyCheckPeerExpire: [FLAG, ''],
  SSLProxyCheckPeerName: [FLAG, ''],
  SSLProxyCipherSuite: [
    TAKE12,
    "SSL Proxy: colon-delimited list of permitted SSL ciphers , optionally preceded by protocol specifier ('XXX:...:XXX' - see manual)"
  ],
  SSLProxyEngine: [FLAG, ''],
  SSLProxyMachineCertificateFile: [
    TAKE1,
    "SSL Proxy: file containing client certificates ('/path/to/file' - PEM encoded certificates)"
  ],
  SSLProxyVerify: [TAKE1, "SSL Proxy: whether to verify the remote certificate ('on' or 'off')"],
  SSLProxyVerifyDepth: [
    TAKE1,
    "SSL Proxy: maximum certificate verification depth ('N' - number of intermediate certificates)"
  ],
  SSLRandomSeed: [
    TAKE23,
    "SSL Pseudo Random Number Generator (PRNG) seeding source ('startup|connect builtin|file:/path|exec:/path [bytes]')"
  ],
  SSLSessionCache: [TAKE1, "SSL Session Cache storage ('none', 'nonenotnull', 'dbm:/path/to/file')"],
  SSLSessionCacheTimeout: [TAKE1, "SSL Session Cache object lifetime ('N' - number of seconds)"],
  SSLStaplingCache: [TAKE1, "SSL Stapling Response Cache storage (`dbm:/path/to/file')"],
  SSLUseStapling: [FLAG, ''],
  SSLVerifyClient: [TAKE1, "SSL Client verify type ('none', 'optional', 'require', 'optional_no_ca')"],
  SSLVerifyDepth: [TAKE1, "SSL Client verify depth ('N' - number of intermediate certificates)"],
  AuthMerging: [
    TAKE1,
    "controls how a <Directory>, <Location>, or similar directive's authorization directives are combined with those of its predecessor"
  ],
  AuthzSendForbiddenOnFailure: [FLAG, ''],
  AuthName: [TAKE1, 'the authentication realm (e.g. "Members Only")'],
  AuthType: [TAKE1, 'an HTTP authorization type (e.g., "Basic")'],
  AuthBasicAuthoritative: [FLAG, ''],
  AuthBasicFake: [
    TAKE12,
    "Fake basic authentication using the given expressions for username and password, 'off' to disable. Password defaults to 'password' if missing."
  ],
  AuthBasicProvider: [ITERATE, 'specify the auth providers for a directory or location'],
  AuthBasicUseDigestAlgorithm: [
    TAKE1,
    "Set to 'MD5' to use the auth provider's authentication check for digest auth, using a hash of 'user:realm:pass'"
  ],
  AuthUserFile: [TAKE1, 'text file containing user IDs and passwords'],
  AuthGroupFile: [TAKE1, 'text file containing group names and member user IDs'],
  Allow: [ITERATE2, "'from' followed by hostnames or IP-address wildcards", 'allow'],
  Deny: [ITERATE2, "'from' followed by hostnames or IP-address wildcards", 'deny'],
  Order: [TAKE1, "'allow,deny', 'deny,allow', or 'mutual-failure'", 'order'],
  Satisfy: [TAKE1, "access policy if both allow and require used ('all' or 'any')"],
  UndefMacro: [TAKE1, 'Remove a macro definition.']
}

const byName = new Map(Object.entries(TABLE).map(([name, row]) => [name.toLowerCase(), { name, row }]))

/** `X takes one argument` and the like, as ap_execute_cmd words it. */
const PHRASE: Record<Arity, string> = {
  TAKE1: 'takes one argument',
  TAKE2: 'takes two arguments',
  TAKE3: 'takes three arguments',
  TAKE12: 'takes 1-2 arguments',
  TAKE23: 'takes two or three arguments',
  TAKE123: 'takes one, two or three arguments',
  ITERATE: 'requires at least one argument',
  ITERATE2: 'requires at least two arguments',
  FLAG: 'must be On or Off'
}

/** Whether httpd's reader takes these words for this arity (ap_getword_conf: "" is an empty word). */
function countFits(arity: Arity, args: readonly string[]): boolean {
  const n = args.length
  const word = (i: number): boolean => args[i] !== undefined && args[i] !== ''
  switch (arity) {
    case TAKE1:
      return n === 1 && word(0)
    case TAKE2:
      return n === 2 && word(0) && word(1)
    case TAKE3:
      return n === 3 && word(0) && word(1) && word(2)
    case TAKE12:
      return n >= 1 && n <= 2 && word(0)
    case TAKE23:
      return n >= 2 && n <= 3 && word(0) && word(1)
    case TAKE123:
      return n >= 1 && n <= 3 && word(0)
    case ITERATE:
      return word(0)
    case ITERATE2:
      return n >= 2 && word(0)
    case FLAG:
      return /^(on|off)$/i.test(args[0] ?? '')
  }
}

const oneOf = (words: string) => {
  const set = new Set(words.toLowerCase().split(' '))
  return (arg: string) => set.has(arg.toLowerCase())
}

/** Keyword-valued directives: the words httpd takes, and its refusal of another one. */
const KEYWORDS: Record<string, [(arg: string) => boolean, string]> = {
  UseCanonicalName: [oneOf('on off dns'), "parameter must be 'on', 'off', or 'dns'"],
  UseCanonicalPhysicalPort: [oneOf('on off'), "parameter must be 'on' or 'off'"],
  EnableMMAP: [oneOf('on off'), "parameter must be 'on' or 'off'"],
  EnableSendfile: [oneOf('on off'), "parameter must be 'on' or 'off'"],
  HostnameLookups: [oneOf('on off double'), "parameter must be 'on', 'off', or 'double'"],
  ServerTokens: [
    oneOf('os min minimal major minor prod productonly full'),
    "ServerTokens takes 1 argument: 'Prod(uctOnly)', 'Major', 'Minor', 'Min(imal)', 'OS', or 'Full'"
  ],
  ServerSignature: [oneOf('on off email'), 'ServerSignature: use one of: off | on | email'],
  TraceEnable: [oneOf('on off extended'), "TraceEnable must be one of 'on', 'off', or 'extended'"],
  AcceptPathInfo: [oneOf('on off default'), 'AcceptPathInfo must be set to on, off or default'],
  AllowEncodedSlashes: [oneOf('on off nodecode'), 'AllowEncodedSlashes must be On, Off, or NoDecode'],
  ProtocolsHonorOrder: [oneOf('on off'), "ProtocolsHonorOrder must be 'on' or 'off'"],
  ProxyVia: [oneOf('on off full block'), 'ProxyVia must be one of: off | on | full | block']
}

const OVERRIDE_WORDS = oneOf('limit fileinfo authconfig indexes none all')
const OVERRIDE_OPTIONS = oneOf(
  'all none indexes includes includesnoexec followsymlinks symlinksifownermatch execcgi multiviews runscripts'
)
const NONFATAL = oneOf('override unknown all')

/** core's set_override: `AllowOverride` words, `Options=a,b` and `Nonfatal=x`. */
function allowOverrideError(args: readonly string[]): string | undefined {
  for (const w of args) {
    if (w === '') break
    const eq = w.indexOf('=')
    const key = eq < 0 ? w : w.slice(0, eq)
    const value = eq < 0 ? undefined : w.slice(eq + 1)
    if (key.toLowerCase() === 'options') {
      for (const o of (value ?? '').split(',')) if (o !== '' && !OVERRIDE_OPTIONS(o)) return `Illegal option ${o}`
    } else if (key.toLowerCase() === 'nonfatal') {
      if (value === undefined || !NONFATAL(value)) return `=Override, =Unknown or =All expected after ${key}`
    } else if (!OVERRIDE_WORDS(key)) return `Illegal override option ${key}`
  }
  return undefined
}

const NEED_ARGUMENT = new Set(
  'directory directorymatch location locationmatch files filesmatch virtualhost if elseif'.split(' ')
)
const ONE_PATH = new Set('directory directorymatch location locationmatch files filesmatch'.split(' '))

/**
 * A `<VirtualHost>` address apr_parse_addr_port refuses: a port (digits after the last `:`)
 * of 0 or above 65535, or a port without a host. Names that do not resolve are only warned about.
 */
function badVhostAddress(address: string): boolean {
  const m = /:(\d+)$/.exec(address)
  if (!m) return false
  const port = Number(m[1])
  return m.index === 0 || port < 1 || port > 65535
}

/**
 * Why `apache2 -t` refuses a section's arguments (`name` canonical), or undefined: a section
 * that needs one and has none (conditional sections: conditions.ts), a path section given two, `<Else>` given any, a bad vhost address.
 */
export function sectionArgsError(name: string, args: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  if (args.length === 0 && NEED_ARGUMENT.has(lower)) return `<${name}> directive requires additional arguments`
  if (ONE_PATH.has(lower) && args.length > (args[0] === '~' && !lower.endsWith('match') ? 2 : 1))
    return `Multiple <${name}> arguments not (yet) supported.`
  if (lower === 'else' && args.length > 0) return '<Else> does not take an argument'
  if (lower === 'virtualhost' && args.some(badVhostAddress)) return 'The address or port is invalid'
  return undefined
}

/**
 * Why `apache2 -t` refuses this directive's words (its message), or undefined when it takes
 * them or the directive is not one this table knows. `name` in any case.
 */
export function directiveArgsError(name: string, args: readonly string[]): string | undefined {
  const known = byName.get(name.toLowerCase())
  if (known) {
    const [arity, help, spelling] = known.row
    if (!countFits(arity, args)) {
      const said = `${spelling ?? known.name} ${PHRASE[arity]}`
      return arity === FLAG || help === undefined ? said : `${said}, ${help}`
    }
    const keyword = KEYWORDS[known.name]
    if (keyword && !keyword[0](args[0])) return keyword[1]
    // server_hostname_port: a name apr_fnmatch_test calls a pattern (`*`, `?`, `[…]`, as in an
    // IPv6 literal `[::1]`) is refused; such names belong in ServerAlias.
    if (known.name === 'ServerName' && fnmatchTest(args[0]))
      return `Invalid ServerName "${args[0]}" use ServerAlias to set multiple server names.`
    return undefined
  }
  if (name.toLowerCase() === 'allowoverride') return allowOverrideError(args)
  return undefined
}
