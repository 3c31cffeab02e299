/** `/cache` (dispatcher-behavior.md §5.1). */
import type { CacheConfig } from '../../../../shared/config-model'
import type { AnyBlock } from '../any/ast'
import { DEFAULTS } from './defaults'
import { keyOf, type SectionReader } from './reader'

export function buildCache(block: AnyBlock, r: SectionReader, farm: string): CacheConfig {
  const where = `/farms/${farm}/cache`
  const cache: CacheConfig = {
    serveStaleOnError: { value: false },
    allowAuthorized: { value: false },
    rules: [],
    statfileslevel: { value: DEFAULTS.statfileslevel },
    headers: [],
    mode: { value: DEFAULTS.mode },
    gracePeriod: { value: DEFAULTS.gracePeriod },
    enableTTL: { value: false },
    pos: block.pos
  }
  for (const item of block.items) {
    switch (keyOf(item)) {
      case 'docroot':
        cache.docroot = r.string(item, `${where}/docroot`)
        break
      case 'statfile':
        cache.statfile = r.string(item, `${where}/statfile`)
        break
      case 'serveStaleOnError':
        cache.serveStaleOnError = r.flag(item, `${where}/serveStaleOnError`, false)
        break
      case 'allowAuthorized':
        cache.allowAuthorized = r.flag(item, `${where}/allowAuthorized`, false)
        break
      case 'rules':
        cache.rules = r.globRules(item, `${where}/rules`)
        break
      case 'statfileslevel':
        cache.statfileslevel = r.number(item, `${where}/statfileslevel`, DEFAULTS.statfileslevel)
        break
      case 'invalidate':
        cache.invalidate = r.globRules(item, `${where}/invalidate`)
        break
      case 'invalidateHandler':
        cache.invalidateHandler = r.string(item, `${where}/invalidateHandler`)
        break
      case 'allowedClients':
        cache.allowedClients = r.globRules(item, `${where}/allowedClients`)
        break
      case 'ignoreUrlParams':
        cache.ignoreUrlParams = r.globRules(item, `${where}/ignoreUrlParams`)
        break
      case 'headers':
        cache.headers = r.stringList(item, `${where}/headers`).values
        // Literal header names (§1.5): a glob character is part of the name, matching nothing a render sends.
        for (const h of cache.headers)
          if (/[*?[]/.test(h.value))
            r.sink.warn(
              'MODEL_HEADER_PATTERN',
              'model',
              `${where}/headers entry "${h.value}" is a literal header name: glob characters are not patterns here, so no response header matches it`,
              h.pos
            )
        break
      case 'mode': {
        // Written in octal like chmod ("0755", "2222"); DC: limited by the umask.
        const s = r.string(item, `${where}/mode`)
        if (s && /^[0-7]+$/.test(s.value.trim())) cache.mode = { value: parseInt(s.value.trim(), 8), pos: s.pos }
        else if (s)
          r.sink.warn('MODEL_BAD_NUMBER', 'model', `${where}/mode expects octal digits, got "${s.value}"`, s.pos)
        break
      }
      case 'gracePeriod':
        cache.gracePeriod = r.number(item, `${where}/gracePeriod`, DEFAULTS.gracePeriod)
        break
      case 'enableTTL':
        cache.enableTTL = r.flag(item, `${where}/enableTTL`, false)
        break
      default:
        r.unknown(item, where)
    }
  }
  if (cache.statfileslevel.value < 0) {
    r.sink.warn(
      'MODEL_BAD_NUMBER',
      'model',
      `${where}/statfileslevel must not be negative; using 0`,
      cache.statfileslevel.pos
    )
    cache.statfileslevel = { value: 0, pos: cache.statfileslevel.pos }
  }
  return cache
}
