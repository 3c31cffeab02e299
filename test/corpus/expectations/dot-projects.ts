/**
 * DOT's full projects (MANIFEST §5c) and the include-chain fragments that only resolve
 * relative to the folder DOT's tests run in (§5a, `dispatcher-includes`).
 *
 * The test projects' farms live in `enabled_farms/` but name their includes from the
 * `conf.dispatcher.d` folder (`clientheaders/…`, not `../clientheaders/…`). Those resolve
 * only through the loader's root-folder fallback, which must say so (INCLUDE_FALLBACK_ROOT)
 * at every such `$include`.
 */
import { expect } from 'vitest'
import { farmNamed } from '../helpers'
import { DOT } from './dot-model'
import type { CorpusRoot, ExpectedDiagnostic } from './types'

const PASS = 'test-projects/test-project-all-rules-pass/dispatcher/src/'
const FAIL = 'test-projects/test-project-all-rules-fail/dispatcher/src/'
const PLUGIN = 'plugin-it/src/test/resources/project-to-test/src/'
const INCLUDES = 'core/src/test/resources/dispatcher-includes/src/conf.dispatcher.d/'

const d = (code: string, file: string, line: number): ExpectedDiagnostic => ({ code, file, line })
const fallbacks = (file: string, lines: number[]) => lines.map((l) => d('INCLUDE_FALLBACK_ROOT', file, l))

/**
 * A wrapper that puts the vhost and filter fragments of a `conf.dispatcher.d` into one farm;
 * for the test projects also their publish vhost and render files, which no farm includes.
 */
function fragmentWrapper(prefix: string, skylabPublish = false): string {
  const renders = skylabPublish
    ? `$include "${prefix}renders/skylab_publish_renders.any"`
    : '/0 { /hostname "127.0.0.1" /port "4503" }'
  return [
    '/farms {',
    '  /fragments {',
    '    /virtualhosts {',
    `      $include "${prefix}vhosts/basic.any"`,
    `      $include "${prefix}vhosts/layer-1.any"`,
    ...(skylabPublish ? [`      $include "${prefix}vhosts/skylab_publish_vhosts.any"`] : []),
    '    }',
    `    /renders { ${renders} }`,
    `    /filter { $include "${prefix}filters/filter.any" }`,
    '  }',
    '}',
    ''
  ].join('\n')
}

const expectLayeredHosts = (hosts: string[]) => (c: Parameters<NonNullable<CorpusRoot['check']>>[0]) => {
  const f = farmNamed(c, 'fragments')
  expect(f.virtualhosts.map((v) => v.value)).toEqual(hosts)
  expect(f.filter?.map((r) => r.label)).toEqual(['0100'])
}

/** The test projects' own copies of the fragments, assembled at the project folder (DOT's CWD). */
function testProjectFragments(project: 'pass' | 'fail'): CorpusRoot {
  const dir = `test-projects/test-project-all-rules-${project}`
  const vhosts = `${dir}/dispatcher/src/conf.dispatcher.d/vhosts/`
  return {
    set: DOT,
    label: `test-project-all-rules-${project} vhosts/filters fragments, assembled at the project folder`,
    input: 'dispatcher.any',
    assemble: {
      from: dir,
      write: [{ to: 'dispatcher.any', text: () => fragmentWrapper('dispatcher/src/conf.dispatcher.d/', true) }]
    },
    errors: [],
    warnings: [
      d('INCLUDE_FALLBACK_ROOT', `${vhosts}layer-1.any`, 3),
      d('INCLUDE_FALLBACK_ROOT', `${vhosts}layer-2.any`, 3)
    ],
    note: 'nothing in the project includes these; layer-N.any name their successor from the project folder',
    check: (c) => {
      // skylab_publish_vhosts.any holds "${PUBLISH_DEFAULT_HOSTNAME}", localhost in the AMS development environment.
      expectLayeredHosts(['basic-include-*', 'author-*', 'publisher-*', 'dispatcher-*', 'localhost'])(c)
      expect(farmNamed(c, 'fragments').renders.map((r) => [r.hostname.value, r.port.value])).toEqual([
        ['127.0.0.1', 4503]
      ])
    }
  }
}

/** A project whose every available farm is enabled (what an AMS setup script does with all links). */
function allFarmsEnabled(prefix: string, farms: string[]): CorpusRoot {
  return {
    set: DOT,
    label: 'plugin-it project-to-test with every available farm enabled',
    input: '.',
    assemble: {
      from: prefix.replace(/\/$/, ''),
      copies: farms.map((f) => ({
        from: `${prefix}conf.dispatcher.d/available_farms/${f}`,
        to: `conf.dispatcher.d/enabled_farms/${f}`
      }))
    },
    errors: [],
    warnings: [
      d('VAR_UNDEFINED', `${prefix}conf.dispatcher.d/filters/ams_author_filters.any`, 19),
      d('MODEL_BAD_RULE_TYPE', `${prefix}conf.dispatcher.d/filters/ams_author_filters.any`, 19)
    ],
    check: (c) => expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'lcfarm', 'publishfarm'])
  }
}

export const DOT_PROJECT_ROOTS: CorpusRoot[] = [
  {
    set: DOT,
    label: 'test-project-all-rules-pass',
    input: PASS,
    errors: [],
    warnings: [
      ...fallbacks(`${PASS}conf.dispatcher.d/enabled_farms/000_skylab_author_farm.any`, [5, 9, 13, 18, 39, 59]),
      ...fallbacks(`${PASS}conf.dispatcher.d/enabled_farms/999_skylab_publish_farm.any`, [3, 8, 42, 66])
    ],
    check: (c) => {
      expect(c.dispatcher.name?.value).toBe('skylab-server')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'publishfarm'])
      const author = farmNamed(c, 'authorfarm')
      // `/type "${CRX_FILTER}"` (environment) and `"${ASSET_DOWNLOAD_RULE}"` (Define in ams_default.vars).
      const types = Object.fromEntries((author.filter ?? []).map((r) => [r.label, r.type]))
      expect([types['0014'], types['0015'], types['0070']]).toEqual(['deny', 'deny', 'deny'])
      expect(author.renders.map((r) => [r.hostname.value, r.port.value, r.timeout.value])).toEqual([
        ['127.0.0.1', 4502, 10000]
      ])
      expect(author.cache?.statfileslevel.value).toBe(0)
      expect(author.cache?.allowedClients?.map((r) => r.glob?.source)).toEqual(['*.*.*.*', '127.0.0.1', '127.0.0.1'])
      const publish = farmNamed(c, 'publishfarm')
      expect(publish.cache?.docroot?.value).not.toContain('${')
      expect([publish.cache?.statfileslevel.value, publish.vanityUrls?.delay.value]).toEqual([2, 300])
      expect(publish.filter).toHaveLength(15)
    }
  },
  {
    set: DOT,
    label: 'test-project-all-rules-fail',
    input: FAIL,
    errors: [
      d('ANY_UNCLOSED_BRACE', `${FAIL}conf.dispatcher.d/dispatcher.any`, 8),
      d('ANY_UNCLOSED_QUOTE', `${FAIL}conf.dispatcher.d/clientheaders/skylab_author_clientheaders.any`, 7),
      ...[4, 5, 6, 7].map((l) =>
        d('ANY_EXPECTED_BLOCK', `${FAIL}conf.dispatcher.d/renders/skylab_author_renders.any`, l)
      ),
      d('MODEL_MANDATORY_MISSING', `${FAIL}conf.dispatcher.d/enabled_farms/000_skylab_farm.any`, 4),
      d('APACHE_INCLUDE_MISSING', `${FAIL}conf/httpd.conf`, 356)
    ],
    warnings: [
      d('MODEL_UNKNOWN_PROPERTY', `${FAIL}conf.dispatcher.d/dispatcher.any`, 8),
      d('MODEL_DEPRECATED', `${FAIL}conf.dispatcher.d/enabled_farms/000_skylab_farm.any`, 25),
      d('MODEL_DUPLICATE_FARM', `${FAIL}conf.dispatcher.d/enabled_farms/999_skylab_farm.any`, 1),
      ...fallbacks(`${FAIL}conf.dispatcher.d/enabled_farms/000_skylab_farm.any`, [9, 13, 17, 22, 45, 65]),
      ...fallbacks(`${FAIL}conf.dispatcher.d/enabled_farms/999_skylab_farm.any`, [3, 8, 20, 46, 70])
    ],
    note: 'DOT lint rules Disp-1…8 and Httpd-1 (ignoreUrlParams, statfileslevel, gracePeriod, default deny, …) are out of scope',
    check: (c) => {
      const [author, publish] = c.dispatcher.farms
      expect([author.name, publish.name]).toEqual(['skylabfarm', 'skylabfarm'])
      expect(author.renders).toEqual([])
      expect(author.clientheaders.map((h) => h.value)).toContain("handle'")
      expect([author.cache?.statfileslevel.value, publish.cache?.statfileslevel.value]).toEqual([0, 0])
      expect(publish.cache?.serveStaleOnError.value).toBe(false)
    }
  },
  {
    set: DOT,
    label: 'plugin-it project-to-test',
    input: PLUGIN,
    errors: [],
    // The project has no conf.d/variables/ams_default.vars (AMS's base image supplies it), so
    // `/type "${ASSET_DOWNLOAD_RULE}"` stays unresolved and that rule can never match.
    warnings: [
      d('VAR_UNDEFINED', `${PLUGIN}conf.dispatcher.d/filters/ams_author_filters.any`, 19),
      d('MODEL_BAD_RULE_TYPE', `${PLUGIN}conf.dispatcher.d/filters/ams_author_filters.any`, 19)
    ],
    check: (c) => expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'publishfarm'])
  },
  allFarmsEnabled(PLUGIN, ['000_ams_author_farm.any', '001_ams_lc_farm.any', '999_ams_publish_farm.any']),
  {
    set: DOT,
    label: 'dispatcher-includes fragments, assembled at core/ (the folder DOT runs in)',
    input: 'dispatcher.any',
    assemble: {
      copies: [
        'vhosts/basic.any',
        'vhosts/layer-1.any',
        'vhosts/layer-2.any',
        'vhosts/layer-3.any',
        'filters/filter.any'
      ].map((f) => ({
        from: INCLUDES + f,
        to: `src/test/resources/dispatcher-includes/src/conf.dispatcher.d/${f}`
      })),
      write: [
        {
          to: 'dispatcher.any',
          text: () => fragmentWrapper('src/test/resources/dispatcher-includes/src/conf.dispatcher.d/')
        }
      ]
    },
    errors: [],
    warnings: [
      d('INCLUDE_FALLBACK_ROOT', `${INCLUDES}vhosts/layer-1.any`, 3),
      d('INCLUDE_FALLBACK_ROOT', `${INCLUDES}vhosts/layer-2.any`, 3)
    ],
    check: expectLayeredHosts(['basic-include-*', 'author-*', 'publisher-*', 'dispatcher-*'])
  },
  {
    set: DOT,
    label: 'dispatcher-includes fragments, included from elsewhere (paths relative to DOT’s folder do not resolve)',
    input: 'dispatcher.any',
    assemble: { write: [{ to: 'dispatcher.any', text: (abs) => fragmentWrapper(abs(INCLUDES)) }] },
    errors: [d('INCLUDE_MISSING', `${INCLUDES}vhosts/layer-1.any`, 3)],
    check: expectLayeredHosts(['basic-include-*', 'author-*'])
  },
  testProjectFragments('pass'),
  testProjectFragments('fail')
]
