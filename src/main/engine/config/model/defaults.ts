/**
 * Documented defaults (dispatcher-behavior.md §2, §5.1, §6.3).
 */

/**
 * Headers forwarded when a farm has no `/clientheaders` section. The module's "standard
 * headers" are not listed anywhere; the SDK's default list is the closest documented set
 * (§6.3, UNCERTAIN), so that is what we use.
 */
export const STANDARD_CLIENT_HEADERS: readonly string[] = [
  'X-Forwarded-Proto',
  'X-Forwarded-SSL-Certificate',
  'X-Forwarded-SSL-Client-Cert',
  'X-Forwarded-SSL',
  'X-Forwarded-Protocol',
  'CSRF-Token',
  'referer',
  'user-agent',
  'from',
  'content-type',
  'content-length',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept',
  'host',
  'if-match',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'range',
  'cookie',
  'depth',
  'translate',
  'expires',
  'date',
  'if',
  'lock-token',
  'x-expected-entity-length',
  'destination',
  'Sling-uploadmode',
  'x-requested-with',
  'If-Modified-Since',
  'Authorization',
  'x-request-id'
]

export const DEFAULTS = {
  renderTimeout: 0,
  receiveTimeout: 600_000,
  statfileslevel: 0,
  mode: 0o755,
  gracePeriod: 0,
  retryDelay: 1,
  numberOfRetries: 5,
  unavailablePenalty: 1,
  sessionTimeout: 800,
  sessionEncode: 'md5',
  sessionHeader: 'HTTP:authorization',
  vanityDelay: 300,
  /** Documented maximum of /statistics/categories; extra ones are ignored by the module. */
  maxCategories: 8
} as const
