/** The cache core's public surface (dispatcher-behavior.md §5, §7), for the pipeline and the UI. */
export {
  compileCachePolicy,
  isAutoInvalidated,
  isIgnoredParam,
  clientAllowedToFlush,
  storedHeaders,
  type CachePolicy
} from './policy'
export {
  requestCacheability,
  carriesAuthorization,
  type CacheRequest,
  type RequestCacheability,
  type CacheabilityEnv
} from './request-cacheability'
export { SessionManager, type SessionState } from './session-manager'
export { responseCacheability, type ResponseCacheability } from './response-cacheability'
export { ttlFromHeaders } from './ttl'
export type { HeaderBag } from './header-bag'
export { CacheStore, type CacheStoreOptions, type CacheLookup, type BeginWrite } from './store'
export type { CacheWriter, CommitResult } from './cache-writer'
export { removeOpenTemps, openTempCount } from './docroot'
export {
  statfilesToTouch,
  statfileCandidates,
  governingStat,
  isStale,
  dirLevel,
  StatfileIndex,
  type StatLayout
} from './statfiles'
export { evaluateFreshness } from './freshness'
export {
  isInvalidationRequest,
  parseInvalidation,
  normaliseHandle,
  type InvalidationRequest,
  type ParsedInvalidation
} from './flush-request'
export {
  planFlush,
  executeFlush,
  plannedDeletions,
  keptCopies,
  refetchListed,
  type FlushPlan,
  type ExecuteOptions
} from './flush'
export { previewFlush } from './flush-preview'
export {
  staticResponse,
  contentTypeOf,
  fileHeaders,
  apacheETag,
  httpDate,
  type FileFacts,
  type StaticRequest,
  type StaticResponse,
  type StaticOptions
} from './serve-file'
export { cachedFileResponse, cachedFileBody } from './serve-hit'
export { HotFiles, type CachedFile } from './hot-files'
export { contentTypeFor } from './mime-types'
export { cachedFileAt, entryInfo, listFolder, listStatfiles, cacheTotals } from './inspect'
export { CACHE_INFO, notCacheable, cacheInfoForLookup } from './cache-info'
