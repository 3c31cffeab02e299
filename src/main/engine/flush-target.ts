/**
 * Where the Cache view sends its invalidation request so that it reaches a given farm, as AEM's
 * flush agent's URL and `Host` reach it (dispatcher-behavior.md §3.3, §7.1): the module picks the
 * farm by `/virtualhosts`, bottom-up, so the farm's own values are turned into concrete hosts
 * (and URI prefixes, `/path1/invalidate.cache`, §3.3 notes) and each is tried with `explain`,
 * which runs the same Apache layer (vhost, rewrite, handler) and farm selection without
 * touching the cache. The first that lands on the farm as an invalidation request wins; a
 * value that would lose to another farm's value further down the file is skipped.
 */
import type { SourcePos } from '../../shared/diagnostics'
import type { FarmResult } from '../../shared/trace-match'
import type { RequestTrace } from '../../shared/trace'
import { parseValue } from './pipeline/farm'

/** The conventional path of AEM's flush agent (§7.1). */
export const INVALIDATE_PATH = '/dispatcher/invalidate.cache'

export interface FlushTarget {
  host: string
  /** Request target: `/dispatcher/invalidate.cache`, behind the value's URI prefix when it has one. */
  target: string
  /** Why this Host reaches the farm, for the UI (the farm stage's own reason). */
  reason: string
  /** The farm this Host (and target) select. */
  farm: string
  /** The `/virtualhosts` value that selects it and where it is written; null when it is the fallback farm. */
  value: { value: string; pos?: SourcePos } | null
}

/**
 * `explain(host, target)` runs the pipeline for `POST target` with that Host. Returns null when
 * no candidate reaches the farm as an invalidation request (its hosts are all taken by other
 * farms, or the Apache layer does not hand them to the Dispatcher).
 */
export function chooseFlushTarget(
  farm: string,
  values: readonly string[],
  fallbackHosts: readonly string[],
  explain: (host: string, target: string) => RequestTrace
): FlushTarget | null {
  const candidates = [
    ...values.flatMap(candidatesOf),
    ...fallbackHosts.map((host) => ({ host, target: INVALIDATE_PATH }))
  ]
  let fallback: FlushTarget | null = null
  const seen = new Set<string>()
  for (const c of candidates) {
    const key = `${c.host.toLowerCase()} ${c.target}`
    if (seen.has(key)) continue
    seen.add(key)
    const trace = explain(c.host, c.target)
    if (trace.farm !== farm || !trace.stages.some((s) => s.stage === 'flush')) continue
    const selection = trace.stages.find((s) => s.stage === 'farm')
    const result = selection?.detail as FarmResult | undefined
    const found = { ...c, farm, reason: selection?.summary ?? `farm /${farm}`, value: result?.value ?? null }
    // A fallback lands here only while this farm is the one the module falls back to: a value of its own is sturdier.
    if (result?.matchedBy !== 'fallback') return found
    fallback ??= found
  }
  return fallback
}

/**
 * Concrete hosts and targets a `/virtualhosts` value matches: a glob's `*` filled with nothing,
 * with `localhost` and with `flush` (AMS's flush host), `?` with one letter, a class with its
 * first member; which of them really selects the farm is left to `explain`.
 */
function candidatesOf(value: string): { host: string; target: string }[] {
  const parsed = parseValue(value)
  const target = parsed.uri === null ? INVALIDATE_PATH : targetUnder(parsed.uri)
  const hosts = ['', 'localhost', 'flush'].map((star) => fill(parsed.host, star))
  return hosts
    .filter((h) => /^[A-Za-z0-9.\-_[\]:]+$/.test(h) && !/^[.:]|[.:]$/.test(h))
    .map((host) => ({ host, target }))
}

/** A URI glob's prefix with the flush agent's path after it; a value naming `…/invalidate.cache` is used as is. */
function targetUnder(uri: string): string {
  const prefix = fill(uri.replace(/\*+$/, ''), 'x').replace(/\/+$/, '')
  return prefix.endsWith('/invalidate.cache') ? prefix : `${prefix}${INVALIDATE_PATH}`
}

function fill(glob: string, star: string): string {
  return glob
    .replace(/\[[!^]?(\]?[^\]]*)\]/g, (_, members: string) => members.charAt(0))
    .replace(/\*/g, star)
    .replace(/\?/g, 'x')
}

/** A flush farm caching into the same docroot as the farm being flushed (AMS's `/publishflushfarm`). */
export interface FlushFarm {
  name: string
  values: readonly string[]
}

/**
 * AMS's flush agents send `Host: flush` (§3.3 notes, §7.1), which selects a flush farm of its own
 * (`/virtualhosts { "flush" }`, same /docroot as the publish farm, its own /allowedClients): the
 * Cache view flushes the way that agent does, through such a farm when one shares the docroot and
 * one of its own values reaches it, and otherwise through the farm itself as before. The
 * target's `farm` says which: `farm` itself, or the flush farm.
 */
export function chooseFlushRoute(
  farm: string,
  values: readonly string[],
  flushFarms: readonly FlushFarm[],
  fallbackHosts: readonly string[],
  explain: (host: string, target: string) => RequestTrace
): FlushTarget | null {
  for (const f of flushFarms) {
    // No fallback hosts here: a flush farm reached only as the module's fallback is not how the agent reaches it.
    const viaFlushFarm = chooseFlushTarget(f.name, f.values, [], explain)
    if (viaFlushFarm?.value) return viaFlushFarm
  }
  return chooseFlushTarget(farm, values, fallbackHosts, explain)
}
