/**
 * DOT fixtures that are valid dispatcher.any files: the analyzer fixtures (MANIFEST §5a,
 * "syntactically valid but deliberately break rules"), the two basic_config.any samples and
 * the empty finder fixtures. DOT's lint rules (statfileslevel, serveStaleOnError,
 * ignoreUrlParams allow-list, AMS default filters) are out of scope: we assert the values
 * those rules read, not the rules.
 */
import { expect } from 'vitest'
import type { LoadedConfig } from '../../../src/shared/config-model'
import { farmNamed } from '../helpers'
import { DOT, P } from './dot-model'
import type { CorpusRoot } from './types'

const A = 'core/src/test/resources/com/adobe/aem/dot/common/analyzer/'
const APP = 'app/src/test/resources/com/adobe/aem/dot/dispatcher/'

function analyzer(dir: string, spec: Omit<CorpusRoot, 'set' | 'label' | 'input'>): CorpusRoot {
  return { set: DOT, label: `analyzer/${dir}`, input: `${A}${dir}/dispatcher.any`, ...spec }
}

const cacheOf = (c: LoadedConfig, farm = 'skylab') => farmNamed(c, farm).cache

/** The publish farm shared by basic_config.any and AnalyzerTest. */
function checkBasicPublishFarm(c: LoadedConfig, filterRules: number): void {
  const f = farmNamed(c, 'publish')
  expect(f.clientheaders.map((h) => h.value)).toEqual(['*', 'Cache-Control'])
  expect(f.vanityUrls?.delay.value).toBe(300)
  expect(f.virtualhosts.map((v) => v.value)).toEqual(['aem-publish.local'])
  expect(f.renders.map((r) => [r.hostname.value, r.port.value, r.timeout.value])).toEqual([
    ['123.45.67.89', 45034, 1],
    ['146.45.67.89', 4503, 0]
  ])
  expect(f.filter).toHaveLength(filterRules)
  expect([
    f.cache?.statfileslevel.value,
    f.cache?.gracePeriod.value,
    f.cache?.serveStaleOnError.value,
    f.cache?.enableTTL.value
  ]).toEqual([2, 2, true, true])
  expect([
    f.cache?.rules.length,
    f.cache?.invalidate?.length,
    f.cache?.allowedClients?.length,
    f.cache?.ignoreUrlParams?.length
  ]).toEqual([2, 3, 2, 2])
  expect(f.cache?.headers).toHaveLength(6)
  expect(f.propagateSyndPost.value).toBe(true)
  expect(f.statistics.map((s) => s.label)).toEqual(['html', 'others'])
}

export const DOT_ANALYZER_ROOTS: CorpusRoot[] = [
  {
    set: DOT,
    label: 'P/basic_config.any',
    input: `${P}basic_config.any`,
    errors: [],
    check: (c) => checkBasicPublishFarm(c, 3)
  },
  {
    set: DOT,
    label: 'app basic_config.any',
    input: `${APP}basic_config.any`,
    errors: [],
    check: (c) => checkBasicPublishFarm(c, 2)
  },
  ...['file1.any', 'file2.any'].map((name): CorpusRoot => ({
    set: DOT,
    label: `app utils/${name} (empty finder fixture)`,
    input: `${APP}utils/${name}`,
    errors: [{ code: 'MODEL_NO_FARMS', file: `${APP}utils/${name}`, line: 1 }],
    note: 'an empty file used by DOT to test its file finder; as a dispatcher.any it has no farms'
  })),
  analyzer('AnalyzerTest', { errors: [], check: (c) => checkBasicPublishFarm(c, 3) }),
  analyzer('AnalyzerRuleTest', {
    errors: [],
    // A farm /filter's /glob is matched against the request line, which begins with the method.
    warnings: [{ code: 'PITFALL_NEVER_MATCHES', file: `${A}AnalyzerRuleTest/dispatcher.any`, line: 7 }],
    check: (c) => {
      const f = farmNamed(c, 'publish')
      expect([f.cache?.gracePeriod.value, f.cache?.statfileslevel.value]).toEqual([8, 2])
      expect(f.filter?.[0].matchers.map((m) => m.pattern.source)).toEqual(['/content/test-filter/*'])
    }
  }),
  analyzer('rules/IntCheckTest/true_values', {
    errors: [],
    check: (c) => expect(cacheOf(c)?.statfileslevel.value).toBe(10)
  }),
  analyzer('rules/IntCheckTest/false_values', {
    errors: [],
    check: (c) => expect(cacheOf(c)?.statfileslevel.value).toBe(1)
  }),
  analyzer('rules/BooleanCheckTest/true_values', {
    errors: [],
    check: (c) => expect(cacheOf(c)?.serveStaleOnError.value).toBe(true)
  }),
  analyzer('rules/BooleanCheckTest/false_values', {
    errors: [],
    check: (c) => expect(cacheOf(c)?.serveStaleOnError.value).toBe(false)
  }),
  analyzer('rules/IgnoreUrlParamsAllowListRuleTest/true_values', {
    errors: [],
    check: (c) =>
      expect(cacheOf(c)?.ignoreUrlParams?.[0]).toMatchObject({ label: '0101', type: 'allow', glob: { source: '*' } })
  }),
  analyzer('rules/IgnoreUrlParamsAllowListRuleTest/false_values', {
    errors: [],
    // `/0101 { /glob "*" /type "deny" }` is commented out: only the `q` rule is left.
    check: (c) =>
      expect(cacheOf(c)?.ignoreUrlParams?.map((r) => [r.label, r.type, r.glob?.source])).toEqual([
        ['0202', 'allow', 'q']
      ])
  }),
  analyzer('rules/AMSFiltersRuleTest/true_values', {
    errors: [],
    // `/url "some_url"`: the URL always begins with "/".
    warnings: [
      { code: 'PITFALL_NEVER_MATCHES', file: `${A}rules/AMSFiltersRuleTest/true_values/dispatcher.any`, line: 17 }
    ],
    check: (c) => expect(farmNamed(c, 'skylab2').filter?.length).toBeGreaterThan(0)
  }),
  analyzer('rules/AMSFiltersRuleTest/false_values', {
    errors: [],
    check: (c) => expect(farmNamed(c, 'skylab3').filter?.length).toBeGreaterThan(0)
  }),
  analyzer('rules/IsUniqueLabelCheckTest/true_values', {
    errors: [],
    check: (c) => expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['skylab_one_author', 'skylab'])
  }),
  analyzer('rules/IsUniqueLabelCheckTest/false_values', {
    errors: [],
    warnings: [
      { code: 'MODEL_DUPLICATE_FARM', file: `${A}rules/IsUniqueLabelCheckTest/false_values/dispatcher.any`, line: 14 }
    ],
    check: (c) => expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['skylab', 'skylab'])
  })
]
