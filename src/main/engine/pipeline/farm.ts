/**
 * Farm selection by `/virtualhosts` (dispatcher-behavior.md §3.3).
 *
 * Each value is `[scheme://]host[uri]`, globs in the host and URI parts. Farms are walked from the
 * last one in the file to the first, values top to bottom. The first value whose scheme, host and
 * URI all match wins; a value without a scheme matches http and https, and one without a URI part
 * matches every URI. Failing that, the first value (same walk) whose host alone matches wins.
 * Failing that, the module falls back to the last farm and warns (4.3.x logs, §3.3 conflict with the
 * docs, which name the first farm: `fallback: 'first'` gives that reading).
 *
 * Host names compare without regard to case (DNS names are case-insensitive); the port is part of the
 * compared text, so `"www.a.com"` does not match `Host: www.a.com:8080` (§3.3, UNCERTAIN). Such a
 * miss is named in the check's `portHint` and, when the request fell back, in `portNote`
 * (farm-port-hint.ts): a browser adds any non-default port, so this is the usual first surprise.
 */
import path from 'node:path'
import type { Farm, Sourced } from '../../../shared/config-model'
import type { FarmResult, VirtualHostCheck } from '../../../shared/trace-match'
import { compileGlob } from '../match/glob'
import { fallbackPortNote, hostWithoutPort, valuePortHint } from './farm-port-hint'

export interface FarmRequest {
  /** Host header as sent, may include `:port`. */
  host: string
  /** Path plus `?query`. */
  uri: string
  scheme: 'http' | 'https'
}

export interface FarmSelectionOptions {
  /** Farm used when no value matches: the module's observed `last` (default) or the docs' `first`. */
  fallback?: 'last' | 'first'
}

interface ParsedValue {
  scheme: 'http' | 'https' | null
  host: string
  uri: string | null
}

export function selectFarm(farms: Farm[], req: FarmRequest, opts: FarmSelectionOptions = {}): FarmResult {
  const request = { host: req.host, uri: req.uri, scheme: req.scheme }
  const walk = walkOrder(farms)
  const bare = hostWithoutPort(req.host)
  const checked = walk.map(({ farm, farmIndex, entry }) => compare(farm, farmIndex, entry, req, bare))

  const full = checked.findIndex((c) => c.schemeMatched && c.hostMatched && c.uriMatched !== false)
  const hostOnly = full >= 0 ? -1 : checked.findIndex((c) => c.hostMatched)
  const hit = full >= 0 ? full : hostOnly
  if (hit >= 0) {
    const { farm, farmIndex, entry } = walk[hit]
    const matchedBy = full >= 0 ? 'host+uri' : 'host'
    const how =
      matchedBy === 'host+uri'
        ? `'${entry.value}' is the first /virtualhosts value (last farm first) that matches the request`
        : `no value matches host and URI together; '${entry.value}' is the first whose host part matches`
    return {
      farm: farm.name,
      index: farmIndex,
      matchedBy,
      value: { value: entry.value, pos: entry.pos },
      checked,
      request,
      warning: null,
      logLine: `Found farm ${farm.name} for ${req.host}`,
      reason: `${how}: farm ${farmNamed(farms, farmIndex)}`
    }
  }

  if (farms.length === 0) {
    return {
      farm: null,
      index: -1,
      matchedBy: null,
      value: null,
      checked,
      request,
      warning: 'No farm is configured',
      logLine: null,
      reason: 'the configuration has no farm'
    }
  }
  const which = opts.fallback ?? 'last'
  const index = which === 'last' ? farms.length - 1 : 0
  const name = farms[index].name
  const portNote = fallbackPortNote(checked)
  const reason = `no /virtualhosts value matches host '${req.host}', so the ${which} farm ${farmNamed(farms, index)} is used`
  return {
    farm: name,
    index,
    matchedBy: 'fallback',
    value: null,
    checked,
    request,
    warning: `No farm matches host '${req.host}', selected ${which} farm '${name}'`,
    logLine: null,
    reason: portNote === undefined ? reason : `${reason}; ${portNote}`,
    ...(portNote === undefined ? {} : { portNote })
  }
}

/**
 * `'publishfarm'`, and where it is written when another farm has the same name (the module keeps
 * both, MODEL_DUPLICATE_FARM): the name alone would not say which file's farm took the request.
 */
function farmNamed(farms: Farm[], index: number): string {
  const farm = farms[index]
  const twice = farms.some((f, i) => i !== index && f.name === farm.name)
  return twice ? `'${farm.name}' (the one at ${path.basename(farm.pos.file)}:${farm.pos.line})` : `'${farm.name}'`
}

interface FarmMemo {
  /** Some `/virtualhosts` value has a URI part, so the URI takes part in the decision. */
  uriMatters: boolean
  /** Per scheme, per Host header: the decision (when the URI does not matter) and the results per URI. */
  http: Map<string, HostMemo>
  https: Map<string, HostMemo>
  size: number
}

interface HostMemo {
  decision: FarmResult | null
  byUri: Map<string, FarmResult>
}

/** Per farm list, i.e. per configuration snapshot (a reload brings a new list), per fallback. */
const memos = { last: new WeakMap<Farm[], FarmMemo>(), first: new WeakMap<Farm[], FarmMemo>() }
/** Results remembered per farm list before the memo starts over. */
const MEMO_LIMIT = 10_000

/**
 * `selectFarm`, remembered per farm list and fallback: the same scheme, host
 * and URI always select the same farm with the same explanation, and walking every value is
 * the costly part. Without a URI part in any value the walk is done once per host. The
 * result is shared between requests: read it, do not change it.
 */
export function selectFarmMemo(farms: Farm[], req: FarmRequest, fallback: 'last' | 'first' = 'last'): FarmResult {
  let memo = memos[fallback].get(farms)
  if (!memo) {
    memo = {
      uriMatters: farms.some((f) => f.virtualhosts.some((v) => parseValue(v.value).uri !== null)),
      http: new Map(),
      https: new Map(),
      size: 0
    }
    memos[fallback].set(farms, memo)
  }
  const hosts = req.scheme === 'https' ? memo.https : memo.http
  let h = hosts.get(req.host)
  let result = h?.byUri.get(req.uri)
  if (!result && memo.size >= MEMO_LIMIT) {
    // Counted per URI: one Host asked for ever new URIs (a crawler, cache-busting queries)
    // would otherwise grow its entry without end.
    memo.http.clear()
    memo.https.clear()
    memo.size = 0
    h = undefined
  }
  if (!h) {
    h = { decision: null, byUri: new Map() }
    hosts.set(req.host, h)
  }
  if (!result) {
    if (memo.uriMatters) result = selectFarm(farms, req, { fallback })
    else if (!h.decision) result = h.decision = selectFarm(farms, req, { fallback })
    else result = withRequest(h.decision, req)
    h.byUri.set(req.uri, result)
    memo.size++
  }
  return result
}

/** How many results are remembered for `farms` (for tests: the memo is bounded). */
export function rememberedFarmResults(farms: Farm[], fallback: 'last' | 'first' = 'last'): number {
  return memos[fallback].get(farms)?.size ?? 0
}

/** The same decision for another URI: only `request` differs when no value has a URI part. */
function withRequest(known: FarmResult, req: FarmRequest): FarmResult {
  return {
    farm: known.farm,
    index: known.index,
    matchedBy: known.matchedBy,
    value: known.value,
    checked: known.checked,
    request: { host: req.host, uri: req.uri, scheme: req.scheme },
    warning: known.warning,
    logLine: known.logLine,
    reason: known.reason,
    ...(known.portNote === undefined ? {} : { portNote: known.portNote })
  }
}

function walkOrder(farms: Farm[]): { farm: Farm; farmIndex: number; entry: Sourced<string> }[] {
  const out: { farm: Farm; farmIndex: number; entry: Sourced<string> }[] = []
  for (let farmIndex = farms.length - 1; farmIndex >= 0; farmIndex--) {
    const farm = farms[farmIndex]
    for (const entry of farm.virtualhosts) out.push({ farm, farmIndex, entry })
  }
  return out
}

function compare(
  farm: Farm,
  farmIndex: number,
  entry: Sourced<string>,
  req: FarmRequest,
  bare: string | null
): VirtualHostCheck {
  const parsed = parseValue(entry.value)
  const matches = hostGlob(parsed.host)
  const hostMatched = matches(req.host)
  const portHint = hostMatched ? undefined : valuePortHint({ value: entry.value, ...parsed }, req.host, bare, matches)
  return {
    farm: farm.name,
    farmIndex,
    value: entry.value,
    pos: entry.pos,
    ...parsed,
    schemeMatched: parsed.scheme === null || parsed.scheme === req.scheme,
    hostMatched,
    uriMatched: parsed.uri === null ? null : uriGlob(parsed.uri)(req.uri),
    ...(portHint === undefined ? {} : { portHint })
  }
}

export function parseValue(value: string): ParsedValue {
  const m = /^(https?):\/\//i.exec(value)
  const scheme = m ? (m[1].toLowerCase() as 'http' | 'https') : null
  const rest = m ? value.slice(m[0].length) : value
  const slash = rest.indexOf('/')
  return slash < 0 ? { scheme, host: rest, uri: null } : { scheme, host: rest.slice(0, slash), uri: rest.slice(slash) }
}

const hostGlobs = new Map<string, (s: string) => boolean>()
const uriGlobs = new Map<string, (s: string) => boolean>()

function hostGlob(source: string): (s: string) => boolean {
  return memo(hostGlobs, source, () => compileGlob(source, { caseInsensitive: true }))
}

function uriGlob(source: string): (s: string) => boolean {
  return memo(uriGlobs, source, () => compileGlob(source))
}

function memo(map: Map<string, (s: string) => boolean>, key: string, make: () => (s: string) => boolean) {
  let fn = map.get(key)
  if (!fn) {
    if (map.size > 10_000) map.clear()
    fn = make()
    map.set(key, fn)
  }
  return fn
}
