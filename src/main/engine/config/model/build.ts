/**
 * Turns the schema-free .any tree into the typed DispatcherConfig (src/shared/config-model.ts),
 * applying documented defaults and reporting what the module would not recognise.
 */
import type { DispatcherConfig, Farm, Sourced } from '../../../../shared/config-model'
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import type { AnyBlock, AnyDocument, AnyItem } from '../any/ast'
import { buildCache } from './cache-section'
import { DEFAULTS, STANDARD_CLIENT_HEADERS } from './defaults'
import { buildFilter } from './filter-section'
import {
  buildAuthChecker,
  buildHealthCheck,
  buildSession,
  buildStatistics,
  buildVanity,
  mergeSticky
} from './misc-sections'
import { keyOf, SectionReader } from './reader'
import { buildRenders } from './renders-section'
import { reportSharedDocrootLevels } from './shared-docroot'
import { reportStickyCached } from './sticky-cached'

export function buildDispatcherConfig(doc: AnyDocument, sink: DiagnosticSink): DispatcherConfig {
  const r = new SectionReader(sink)
  const config: DispatcherConfig = { ignoreEINTR: { value: false }, farms: [] }
  let farmsPos: AnyItem['pos'] | undefined
  for (const item of doc.items) {
    switch (keyOf(item)) {
      case 'name':
        config.name = r.string(item, '/name')
        break
      case 'ignoreEINTR':
        config.ignoreEINTR = r.flag(item, '/ignoreEINTR', false)
        break
      case 'farms': {
        const block = r.expectBlock(item, '/farms')
        farmsPos = item.pos
        if (block) config.farms.push(...buildFarms(block, r))
        else farmsPos = undefined
        break
      }
      default:
        r.unknown(item, 'the top level')
    }
  }
  const hasFarmsKey = doc.items.some((i) => keyOf(i) === 'farms')
  if (!hasFarmsKey)
    sink.error('MODEL_NO_FARMS', 'model', 'the configuration has no /farms section', {
      file: doc.file,
      line: 1,
      column: 1
    })
  else if (farmsPos && config.farms.length === 0)
    sink.error('MODEL_NO_FARMS', 'model', '/farms defines no farm: nothing can handle a request', farmsPos)
  reportDuplicateFarms(config.farms, sink)
  reportSharedDocrootLevels(config.farms, sink)
  reportStickyCached(config.farms, sink)
  return config
}

function buildFarms(block: AnyBlock, r: SectionReader): Farm[] {
  const farms: Farm[] = []
  for (const item of block.items) {
    if (item.kind === 'block') farms.push(buildFarm(item, r))
    else if (item.kind === 'string') r.unknown(item, '/farms')
    else r.sink.error('ANY_EXPECTED_BLOCK', 'syntax', `farm /${item.name} must begin with a '{' character`, item.pos)
  }
  return farms
}

function reportDuplicateFarms(farms: Farm[], sink: DiagnosticSink): void {
  const seen = new Map<string, Farm>()
  for (const f of farms) {
    const prev = seen.get(f.name)
    if (prev) {
      sink.warn(
        'MODEL_DUPLICATE_FARM',
        'model',
        `farm /${f.name} is defined twice (first at ${prev.pos.file}:${prev.pos.line}); farm names must be unique`,
        f.pos
      )
    } else seen.set(f.name, f)
  }
}

export function buildFarm(block: AnyBlock, r: SectionReader): Farm {
  const name = block.name ?? ''
  const where = `/farms/${name}`
  const farm: Farm = {
    name,
    pos: block.pos,
    clientheaders: STANDARD_CLIENT_HEADERS.map((h) => ({ value: h })),
    clientheadersDefaulted: true,
    virtualhosts: [],
    renders: [],
    statistics: [],
    propagateSyndPost: { value: false },
    retryDelay: { value: DEFAULTS.retryDelay },
    numberOfRetries: { value: DEFAULTS.numberOfRetries },
    unavailablePenalty: { value: DEFAULTS.unavailablePenalty },
    failover: { value: false },
    info: { value: false }
  }
  if (!name) r.sink.warn('MODEL_ANONYMOUS_FARM', 'model', 'a farm without a label', block.pos)
  const items = block.items
  let filterAt: SourcePos | undefined
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    const key = keyOf(item)
    switch (key) {
      case 'clientheaders':
      case 'virtualhosts': {
        const list = r.stringList(item, `${where}/${key}`, items[i + 1])
        if (list.consumedNext) i++
        if (key === 'clientheaders') {
          farm.clientheaders = list.values
          farm.clientheadersDefaulted = false
        } else {
          farm.virtualhosts = list.values
          hostValueWarnings(item, r, `${where}/virtualhosts`)
        }
        break
      }
      case 'renders':
        farm.renders = buildRenders(item, r, `${where}/renders`)
        break
      case 'filter':
        farm.filter = buildFilter(item, r, `${where}/filter`)
        filterAt = item.pos
        break
      case 'cache': {
        const block = r.expectBlock(item, `${where}/cache`)
        if (block) farm.cache = buildCache(block, r, name)
        break
      }
      case 'statistics':
        farm.statistics = buildStatistics(item, r, where)
        break
      case 'stickyConnectionsFor':
      case 'stickyConnections':
        farm.sticky = mergeSticky(farm.sticky, item, r, where)
        break
      case 'sessionmanagement': {
        const block = r.expectBlock(item, `${where}/sessionmanagement`)
        if (block) farm.sessionmanagement = buildSession(block, r, where)
        break
      }
      case 'vanity_urls': {
        const block = r.expectBlock(item, `${where}/vanity_urls`)
        if (block) farm.vanityUrls = buildVanity(block, r, where)
        break
      }
      case 'auth_checker': {
        const block = r.expectBlock(item, `${where}/auth_checker`)
        if (block) farm.authChecker = buildAuthChecker(block, r, where)
        break
      }
      case 'health_check': {
        const block = r.expectBlock(item, `${where}/health_check`)
        if (block) farm.healthCheckUrl = buildHealthCheck(block, r, where)
        break
      }
      case 'propagateSyndPost':
        farm.propagateSyndPost = r.flag(item, `${where}/propagateSyndPost`, false)
        break
      case 'retryDelay':
        farm.retryDelay = r.number(item, `${where}/retryDelay`, DEFAULTS.retryDelay)
        break
      case 'numberOfRetries':
        farm.numberOfRetries = r.number(item, `${where}/numberOfRetries`, DEFAULTS.numberOfRetries)
        break
      case 'unavailablePenalty':
        farm.unavailablePenalty = r.number(item, `${where}/unavailablePenalty`, DEFAULTS.unavailablePenalty)
        break
      case 'failover':
        farm.failover = r.flag(item, `${where}/failover`, false)
        break
      case 'info':
        farm.info = r.flag(item, `${where}/info`, false)
        break
      case 'homepage':
        r.sink.warn(
          'MODEL_DEPRECATED',
          'model',
          `${where}/homepage is deprecated (IIS only) and no longer works`,
          item.pos
        )
        break
      case 'keepAliveTimeout':
        farm.keepAliveTimeout = r.number(item, `${where}/keepAliveTimeout`, 60)
        break
      default:
        r.unknown(item, where)
    }
  }
  checkFarm(farm, r)
  if (filterAt) emptyFilterWarning(farm, filterAt, r)
  return farm
}

/**
 * A `/filter` with no rule (its included file emptied, say) denies every request (§4.3: present,
 * nothing matches), and nothing else says so: no rule is there to warn about. A filter of deny
 * rules only is left alone, as AMS's catch-all farm denies all on purpose. Vanity URLs still
 * pass a denied request (§4.4).
 */
function emptyFilterWarning(farm: Farm, at: SourcePos, r: SectionReader): void {
  if (farm.filter === undefined || farm.filter.length > 0) return
  r.sink.warn(
    'MODEL_FILTER_EMPTY',
    'model',
    `farm /${farm.name}: /filter holds no rule, so it allows nothing: every request this farm takes is denied (404)${farm.vanityUrls ? ' unless it is a vanity URL' : ''}; without a /filter section the farm would accept every request instead`,
    at
  )
}

function checkFarm(farm: Farm, r: SectionReader): void {
  if (!farm.clientheadersDefaulted && farm.renders.length > 0) clientheadersPitfall(farm, r)
  if (farm.renders.length === 0 && !isFlushOnly(farm)) {
    r.sink.warn(
      'MODEL_NO_RENDERS',
      'model',
      `farm /${farm.name} has no /renders: requests that reach it cannot be forwarded`,
      farm.pos
    )
  }
  if (farm.virtualhosts.length === 0) {
    r.sink.warn(
      'MODEL_NO_VIRTUALHOSTS',
      'model',
      `farm /${farm.name} has no /virtualhosts: it is only chosen as the fallback farm`,
      farm.pos
    )
  }
  if (farm.sessionmanagement && farm.cache?.allowAuthorized.value) {
    r.sink.warn(
      'MODEL_SESSION_WITH_ALLOW_AUTHORIZED',
      'model',
      `farm /${farm.name}: /allowAuthorized must be "0" when /sessionmanagement is used`,
      farm.cache.allowAuthorized.pos ?? farm.pos
    )
  }
}

/**
 * Request headers AEM relies on that a project's own `/clientheaders` list often leaves out
 * (dispatcher-behavior.md §10, pitfall 15): the list replaces the standard one, so a header it
 * does not name never reaches AEM. Without `CSRF-Token`, Sling's CSRF filter refuses every
 * POST with 403; without `X-Requested-With`, AEM cannot tell XHR requests from page loads.
 */
const RELIED_ON_HEADERS = ['CSRF-Token', 'X-Requested-With']

function clientheadersPitfall(farm: Farm, r: SectionReader): void {
  const named = new Set(farm.clientheaders.map((h) => h.value.toLowerCase()))
  if (named.has('*')) return
  const missing = RELIED_ON_HEADERS.filter((h) => !named.has(h.toLowerCase()))
  if (missing.length === 0) return
  r.sink.warn(
    'PITFALL_CLIENTHEADERS_INCOMPLETE',
    'pitfall',
    `farm /${farm.name} /clientheaders does not name ${missing.join(' or ')}: a /clientheaders list replaces the standard headers, so AEM never receives ${missing.length > 1 ? 'them' : 'it'}${missing.includes('CSRF-Token') ? ' (without CSRF-Token, POSTs fail the Sling CSRF filter with 403)' : ''}; start the list from the SDK's default_clientheaders.any`,
    farm.clientheaders[0]?.pos ?? farm.pos
  )
}

/** AMS flush farms have a cache and virtualhosts but forward nothing; they need no render. */
export function isFlushOnly(farm: Farm): boolean {
  return !!farm.cache && farm.virtualhosts.some((v: Sourced<string>) => /flush/i.test(v.value))
}

/**
 * Two ways a `/virtualhosts` value reads differently from what it seems to say.
 *
 * Single quotes make a POSIX ERE where the module takes a pattern (§1.1), but whether it does so
 * in `/virtualhosts` is not documented: the workbench reads every value there as a glob, and
 * says so where a single-quoted value would read differently as a regex.
 *
 * An IPv6 literal host (`"[::1]"`, `"[::1]:8080"`) is a glob too, so its brackets make a character
 * class (§1.5) matching one character, and the value never matches the Host `[::1]` a browser
 * sends for http://[::1]/. `[[]` is a class holding only the bracket, which does match it.
 */
function hostValueWarnings(item: AnyItem, r: SectionReader, what: string): void {
  if (item.kind !== 'block') return
  for (const child of item.items) {
    if (child.kind !== 'string') continue
    // A plain host name reads the same either way (a regex `.` also matches itself).
    if (child.quote === 'single' && /[\\^$+(){}|[\]?*]/.test(child.value))
      r.sink.warn(
        'MODEL_VIRTUALHOST_QUOTES',
        'model',
        `${what} value '${child.value}' is single-quoted: the workbench matches it as a glob (whether the module reads a regex here is not documented); write it with double quotes and * wildcards`,
        child.pos
      )
    else if (IPV6_HOST.test(child.value))
      r.sink.warn(
        'MODEL_VIRTUALHOST_IPV6',
        'model',
        `${what} value "${child.value}" is a glob, in which "[" starts a character class matching one character: it never matches an IPv6 Host such as [::1]; write "${child.value.replace('[', '[[]')}" ("[[]" matches the bracket itself)`,
        child.pos
      )
  }
}

/** A value whose host part is an IPv6 literal: `[` (after an optional scheme), hex digits and colons, `]`. */
const IPV6_HOST = /^(?:https?:\/\/)?\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.%]*\](?:[:/]|$)/i
