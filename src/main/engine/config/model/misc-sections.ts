/**
 * The smaller farm sections: /statistics, /stickyConnections(For), /sessionmanagement,
 * /vanity_urls, /auth_checker, /health_check (dispatcher-behavior.md §2, §4.4, §5.9, §6).
 */
import type {
  AuthChecker,
  SessionManagement,
  Sourced,
  StatisticsCategory,
  StickyConnections,
  VanityUrls
} from '../../../../shared/config-model'
import type { AnyBlock, AnyItem } from '../any/ast'
import { DEFAULTS } from './defaults'
import { keyOf, type SectionReader } from './reader'

export function buildStatistics(item: AnyItem, r: SectionReader, where: string): StatisticsCategory[] {
  const block = r.expectBlock(item, `${where}/statistics`)
  if (!block) return []
  const out: StatisticsCategory[] = []
  for (const child of block.items) {
    if (keyOf(child) !== 'categories') {
      r.unknown(child, `${where}/statistics`)
      continue
    }
    for (const rule of r.globRules(child, `${where}/statistics/categories`, { typed: false })) {
      out.push({ label: rule.label, glob: rule.glob, pos: rule.pos })
    }
  }
  if (out.length > DEFAULTS.maxCategories) {
    r.sink.warn(
      'MODEL_TOO_MANY_CATEGORIES',
      'model',
      `${where}/statistics has ${out.length} categories; the module uses the first ${DEFAULTS.maxCategories} and ignores the rest`,
      out[DEFAULTS.maxCategories].pos
    )
    return out.slice(0, DEFAULTS.maxCategories)
  }
  return out
}

/** `/stickyConnectionsFor` and `/stickyConnections` may both appear; their paths are merged (DOT). */
export function mergeSticky(
  current: StickyConnections | undefined,
  item: AnyItem,
  r: SectionReader,
  where: string
): StickyConnections | undefined {
  const sticky: StickyConnections = current ?? {
    paths: [],
    httpOnly: { value: false },
    secure: { value: false },
    pos: item.pos
  }
  if (keyOf(item) === 'stickyConnectionsFor') {
    const s = r.string(item, `${where}/stickyConnectionsFor`)
    if (s) sticky.paths.push(s)
    return sticky
  }
  const block = r.expectBlock(item, `${where}/stickyConnections`)
  if (!block) return current
  for (const p of block.items) {
    switch (keyOf(p)) {
      case 'paths':
        sticky.paths.push(...r.stringList(p, `${where}/stickyConnections/paths`).values)
        break
      case 'domain':
        sticky.domain = r.string(p, `${where}/stickyConnections/domain`)
        break
      case 'httpOnly':
        sticky.httpOnly = r.flag(p, `${where}/stickyConnections/httpOnly`, false)
        break
      case 'secure':
        sticky.secure = r.flag(p, `${where}/stickyConnections/secure`, false)
        break
      default:
        r.unknown(p, `${where}/stickyConnections`)
    }
  }
  return sticky
}

export function buildSession(block: AnyBlock, r: SectionReader, where: string): SessionManagement {
  const at = `${where}/sessionmanagement`
  const s: SessionManagement = {
    encode: { value: DEFAULTS.sessionEncode },
    header: { value: DEFAULTS.sessionHeader },
    timeout: { value: DEFAULTS.sessionTimeout },
    pos: block.pos
  }
  for (const p of block.items) {
    switch (keyOf(p)) {
      case 'directory':
        s.directory = r.string(p, `${at}/directory`)
        break
      case 'encode': {
        const v = r.string(p, `${at}/encode`)
        if (v) {
          s.encode = v
          if (v.value !== 'md5' && v.value !== 'hex') {
            r.sink.warn(
              'MODEL_BAD_VALUE',
              'model',
              `${at}/encode is "${v.value}"; the module knows "md5" and "hex"`,
              v.pos
            )
          }
        }
        break
      }
      case 'header': {
        const v = r.string(p, `${at}/header`)
        if (v) s.header = v
        break
      }
      case 'timeout':
        s.timeout = r.number(p, `${at}/timeout`, DEFAULTS.sessionTimeout)
        break
      default:
        r.unknown(p, at)
    }
  }
  if (!s.directory)
    r.sink.error('MODEL_MANDATORY_MISSING', 'model', `${at} is missing the mandatory /directory value`, block.pos)
  return s
}

export function buildVanity(block: AnyBlock, r: SectionReader, where: string): VanityUrls {
  const at = `${where}/vanity_urls`
  const v: VanityUrls = {
    url: { value: '/libs/granite/dispatcher/content/vanityUrls.html' },
    delay: { value: DEFAULTS.vanityDelay },
    loadOnStartup: { value: true },
    pos: block.pos
  }
  for (const p of block.items) {
    switch (keyOf(p)) {
      case 'url': {
        const s = r.string(p, `${at}/url`)
        if (s) v.url = s
        break
      }
      case 'file':
        v.file = r.string(p, `${at}/file`)
        break
      case 'delay':
        v.delay = r.number(p, `${at}/delay`, DEFAULTS.vanityDelay)
        break
      case 'loadOnStartup':
        v.loadOnStartup = r.flag(p, `${at}/loadOnStartup`, true)
        break
      default:
        r.unknown(p, at)
    }
  }
  return v
}

export function buildAuthChecker(block: AnyBlock, r: SectionReader, where: string): AuthChecker {
  const at = `${where}/auth_checker`
  const a: AuthChecker = { filter: [], headers: [], pos: block.pos }
  for (const p of block.items) {
    switch (keyOf(p)) {
      case 'url':
        a.url = r.string(p, `${at}/url`)
        break
      case 'filter':
        a.filter = r.globRules(p, `${at}/filter`)
        break
      case 'headers':
        a.headers = r.globRules(p, `${at}/headers`)
        break
      default:
        r.unknown(p, at)
    }
  }
  if (!a.url) r.sink.error('MODEL_MANDATORY_MISSING', 'model', `${at} is missing the mandatory /url value`, block.pos)
  return a
}

export function buildHealthCheck(block: AnyBlock, r: SectionReader, where: string): Sourced<string> | undefined {
  let url: Sourced<string> | undefined
  for (const p of block.items) {
    if (keyOf(p) === 'url') url = r.string(p, `${where}/health_check/url`)
    else r.unknown(p, `${where}/health_check`)
  }
  return url
}
