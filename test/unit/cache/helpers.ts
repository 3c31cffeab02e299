/** Builders for cache tests: config C of dispatcher-behavior.md §12 and throwaway docroots. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import type { CacheConfig, Farm, GlobRule, RuleType } from '../../../src/shared/config-model'
import type { SourcePos } from '../../../src/shared/diagnostics'
import { compileCachePolicy, type CachePolicy } from '../../../src/main/engine/cache/policy'
import { CacheStore, type CacheStoreOptions } from '../../../src/main/engine/cache/store'
import type { StoredHeader } from '../../../src/shared/cache-types'

const pos: SourcePos = { file: 'dispatcher.any', line: 1, column: 1 }

export function rule(label: string, type: RuleType, glob: string): GlobRule {
  return { label, type, glob: { kind: 'glob', source: glob, pos }, pos }
}

/** Cache C of §12: allow all but the CSRF token, `*.html` auto-invalidated, statfileslevel 3. */
export function configC(overrides: Partial<CacheConfig> = {}): CacheConfig {
  return {
    docroot: { value: '/cache' },
    serveStaleOnError: { value: false },
    allowAuthorized: { value: false },
    rules: [rule('0000', 'allow', '*'), rule('0001', 'deny', '/libs/granite/csrf/token.json')],
    statfileslevel: { value: 3 },
    invalidate: [rule('0000', 'deny', '*'), rule('0001', 'allow', '*.html')],
    headers: [],
    mode: { value: 0o755 },
    gracePeriod: { value: 0 },
    enableTTL: { value: false },
    pos,
    ...overrides
  }
}

export function farmWith(cache: CacheConfig | undefined, name = 'publish'): Farm {
  return {
    name,
    pos,
    clientheaders: [],
    clientheadersDefaulted: true,
    virtualhosts: [{ value: '*' }],
    renders: [],
    cache,
    statistics: [],
    propagateSyndPost: { value: false },
    retryDelay: { value: 1 },
    numberOfRetries: { value: 5 },
    unavailablePenalty: { value: 1 },
    failover: { value: false },
    info: { value: true }
  }
}

export function policyC(overrides: Partial<CacheConfig> = {}): CachePolicy {
  const cache = configC(overrides)
  return compileCachePolicy(cache, farmWith(cache))
}

const made: string[] = []
const stores: CacheStore[] = []

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

export function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cache-')))
  made.push(dir)
  return dir
}

/** A settable clock starting at a whole second. */
export function fakeClock(start = 1_700_000_000_000): {
  now: () => number
  set: (t: number) => void
  advance: (ms: number) => void
} {
  let t = start
  return { now: () => t, set: (v) => (t = v), advance: (ms) => (t += ms) }
}

/** A store on a fresh docroot with config C (plus overrides); re-validation window 0 unless given. */
export function storeC(
  overrides: Partial<CacheConfig> = {},
  opts: CacheStoreOptions = {}
): { store: CacheStore; root: string; policy: CachePolicy } {
  const root = path.join(tempDir(), 'cache')
  fs.mkdirSync(root)
  const policy = policyC({ docroot: { value: root }, ...overrides })
  const store = new CacheStore(policy, { windowMs: 0, ...opts })
  stores.push(store)
  return { store, root, policy }
}

export async function put(
  store: CacheStore,
  relPath: string,
  body: string | Buffer = 'x',
  headers: StoredHeader[] = [],
  ttl: number | null = null
): Promise<void> {
  const begin = await store.beginWrite(relPath)
  if (!begin.ok) throw new Error(`cannot write ${relPath}: ${begin.reason}`)
  begin.writer.write(typeof body === 'string' ? Buffer.from(body) : body)
  const result = await begin.writer.commit(headers, ttl)
  if (!result.stored) throw new Error(`not stored ${relPath}: ${result.reason}`)
}

/** Every regular file below `dir`, docroot-relative. */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}/${e.name}`)
      else out.push(`${rel}/${e.name}`)
    }
  }
  walk(dir, '')
  return out.sort()
}
