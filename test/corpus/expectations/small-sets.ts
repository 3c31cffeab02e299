/**
 * The single-purpose sets (MANIFEST §4, §8–§13): classic single-file configs, a per-site
 * include tree, a one-file-per-section tree selected by an environment variable, and a
 * filter-testing harness whose includes name `/etc/httpd`. Fragments no root reaches are
 * wrapped into a farm so their content is loaded too.
 */
import { expect } from 'vitest'
import { farmNamed } from '../helpers'
import type { CorpusRoot, ExpectedDiagnostic } from './types'

const EXPERIMENTS = 'adobe__aem-dispatcher-experiments'
const CQ = 'cqsupport__webinar-dispatchercache'
const SCALE = 'auniverseaway__scaleable-dispatcher'
const MATT = 'mattshurley__Dipatcher-Configuration-for-we-retail'
const ARCHITECT = 'theadobearchitect__aem-dispatcher-config'
const DOCS = 'AdobeDocs__experience-manager-dispatcher.en'
const CALEB = 'calebpryor__aem-dispatcher-filter-testing'

const SECTIONS = 'httpd_conf/conf/dispatcher_config/'
/** Render address the AMS service environment would give (`/etc/sysconfig/httpd`, not in the corpus). */
const renderEnv = (type: string, port: string) => ({
  INSTANCE_TYPE: type,
  RENDER_SERVER_IP: '127.0.0.1',
  RENDER_SERVER_PORT: port
})

const d = (code: string, file: string, line: number): ExpectedDiagnostic => ({ code, file, line })

/** theadobearchitect's copies of the MASTER file: each selects the farm by INSTANCE_TYPE. */
const MASTER_COPIES = [
  '7.section_dispatcher_propagateSyndPost.any',
  '10.section_dispatcher_stickyConnectionsFor.any',
  '11.section_dispatcher_health_check.any',
  '12.section_dispatcher_retryDelay.any',
  '13.section_dispatcher_unavailablePenalty.any',
  '14.section_dispatcher_failover.any'
]

function checkArchitectAuthor(c: Parameters<NonNullable<CorpusRoot['check']>>[0]): void {
  const f = farmNamed(c, 'author')
  expect(f.clientheaders.map((h) => h.value)).toEqual(['*'])
  expect(f.virtualhosts.map((v) => v.value)).toEqual(['*'])
  expect(f.renders.map((r) => [r.label, r.hostname.value, r.port.value])).toEqual([['rend01', '127.0.0.1', 4502]])
  expect(f.filter).toHaveLength(5)
  expect(f.cache?.rules).toHaveLength(5)
  expect(f.cache?.allowAuthorized.value).toBe(true)
  expect(f.statistics.map((s) => s.label)).toEqual(['html', 'others'])
}

/** The sections no farm reaches (the PUBLISH farm names a missing `_pci` file instead). */
const ARCHITECT_PUBLISH_SECTIONS = [
  '1.section_dispatcher_clientheaders.any',
  '2.section_dispatcher_virtualhosts.any',
  '3.section_dispatcher_sessionmanagement.any',
  '4.section_dispatcher_renders.any',
  '5.section_dispatcher_filter_publish.any',
  '6.section_dispatcher_vanity_urls.any',
  '8.section_dispatcher_cache_publish.any',
  '9.section_dispatcher_statistics.any'
]

export const SMALL_SET_ROOTS: CorpusRoot[] = [
  {
    set: EXPERIMENTS,
    label: 'dispatcher-config-basic dispatcher.any',
    input: 'dispatcher-config-basic/private/etc/apache2/conf/dispatcher.any',
    errors: [],
    // `/0003 { … }` sits after /filter is closed: a stray labelled block at farm level.
    warnings: [d('MODEL_UNKNOWN_PROPERTY', 'dispatcher-config-basic/private/etc/apache2/conf/dispatcher.any', 89)],
    check: (c) => {
      const f = farmNamed(c, 'publish')
      expect(f.virtualhosts.map((v) => v.value)).toEqual(['aem-publish.local'])
      expect(f.renders.map((r) => [r.label, r.hostname.value, r.port.value])).toEqual([['rend01', '127.0.0.1', 4503]])
      expect(f.filter?.map((r) => r.label)).toEqual(['0000', '0001', '0002'])
      expect(f.filter?.[1].matchers.map((m) => m.pattern.kind)).toEqual(['regex'])
      const cache = f.cache
      expect([cache?.docroot?.value, cache?.statfileslevel.value, cache?.allowAuthorized.value]).toEqual([
        '/Library/WebServer/docroot/publish',
        0,
        false
      ])
      expect([
        cache?.rules.length,
        cache?.invalidate?.length,
        cache?.allowedClients?.length,
        cache?.ignoreUrlParams?.length
      ]).toEqual([5, 4, 2, 2])
      expect(f.statistics.map((s) => s.label)).toEqual(['html', 'others'])
    }
  },
  {
    set: EXPERIMENTS,
    label: 'dispatcher-config-basic httpd.conf (macOS filesystem snapshot)',
    input: 'dispatcher-config-basic/usr/local/etc/httpd/httpd.conf',
    httpd: {
      file: 'dispatcher-config-basic/usr/local/etc/httpd/httpd.conf',
      filesystemRoot: 'dispatcher-config-basic'
    },
    errors: [],
    check: (c) => {
      expect(c.apache?.dispatcherConfig?.value).toMatch(/\/private\/etc\/apache2\/conf\/dispatcher\.any$/)
      expect(c.apache?.virtualHosts.map((v) => v.serverName?.value)).toEqual(['aem-publish.local'])
    }
  },
  {
    set: CQ,
    label: 'conf/dispatcher.any (legacy request-line globs)',
    input: 'conf/dispatcher.any',
    errors: [],
    check: (c) => {
      expect(
        c.apache?.dispatcherConfig?.value ??
          c.apache?.virtualHosts.find((v) => v.dispatcherConfig)?.dispatcherConfig?.value
      ).toMatch(/(^|\/)conf\/dispatcher\.any$/)
      const f = farmNamed(c, 'website')
      expect(f.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 4503]])
      expect(f.filter).toHaveLength(17)
      expect(f.filter?.find((r) => r.label === '0061')?.matchers.map((m) => [m.element, m.pattern.source])).toEqual([
        ['glob', 'POST /content/[.]*.form.html']
      ])
      const cache = f.cache
      expect([cache?.docroot?.value, cache?.statfileslevel.value, cache?.serveStaleOnError.value]).toEqual([
        '/var/www/html',
        0,
        true
      ])
      // An empty /allowedClients section is not an absent one.
      expect(cache?.allowedClients).toEqual([])
      expect(cache?.ignoreUrlParams?.map((r) => [r.glob?.source, r.type])).toEqual([
        ['*', 'allow'],
        ['q', 'deny']
      ])
    }
  },
  {
    set: SCALE,
    label: 'dispatcher.any (one folder per site)',
    input: 'dispatcher.any',
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['website-1', 'website-2'])
      for (const n of [1, 2]) {
        const f = farmNamed(c, `website-${n}`)
        expect(f.clientheaders.map((h) => h.value)).toEqual(['*'])
        expect(f.virtualhosts.map((v) => v.value)).toEqual([`website-${n}.com`])
        expect(f.renders.map((r) => [r.label, r.hostname.value, r.port.value, r.timeout.value])).toEqual([
          ['publish-01', '127.0.0.1', 4503, 0]
        ])
        expect(f.filter).toHaveLength(6)
        expect(f.cache?.docroot?.value).toBe(`/apps/aem/dispatcher/cache/website-${n}`)
        expect([f.cache?.rules.length, f.cache?.invalidate?.length]).toEqual([1, 4])
        expect(f.statistics.map((s) => s.label)).toEqual(['html', 'others'])
        expect(f.authChecker).toBeUndefined()
      }
    }
  },
  {
    set: SCALE,
    label: 'commented-out fragments (auth_checker, allowedClients, ignoreUrlParams, headers) wrapped into farms',
    input: 'dispatcher.any',
    assemble: {
      write: [
        {
          to: 'dispatcher.any',
          text: (abs) =>
            `/farms {\n${[1, 2]
              .map(
                (n) => `  /website-${n} {
    /virtualhosts { "website-${n}.com" }
    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }
    /auth_checker { $include "${abs(`website-${n}/auth_checker.any`)}" }
    /cache {
      /docroot "/tmp/website-${n}"
      /allowedClients { $include "${abs(`website-${n}/cache/allowedClients.any`)}" }
      /ignoreUrlParams { $include "${abs(`website-${n}/cache/ignoreUrlParams.any`)}" }
      /headers { $include "${abs(`website-${n}/cache/headers.any`)}" }
    }
  }`
              )
              .join('\n')}\n}\n`
        }
      ]
    },
    errors: [],
    check: (c) => {
      for (const n of [1, 2]) {
        const f = farmNamed(c, `website-${n}`)
        expect(f.authChecker?.url?.value).toBe('/bin/permissioncheck.html')
        expect([f.authChecker?.filter.length, f.authChecker?.headers.length]).toEqual([2, 2])
        expect(f.cache?.allowedClients?.map((r) => r.glob?.source)).toEqual(['*', '127.0.0.1'])
        expect(f.cache?.ignoreUrlParams?.map((r) => [r.glob?.source, r.type])).toEqual([
          ['*', 'deny'],
          ['q', 'allow']
        ])
        expect(f.cache?.headers).toHaveLength(6)
      }
    }
  },
  {
    set: MATT,
    label: 'dispatcher.any (Windows Apache 2.2)',
    input: 'dispatcher.any',
    errors: [],
    // `/0086 { … /extension 'json' "*.cart.json" }`: a stray string inside a rule; RewriteLog and
    // RewriteLogLevel exist only in 2.2 (httpd 2.4 refuses them; the configuration still loads).
    // `/0089 { /url "j_security_check" }` and `/0177 { /url "GET /libs/…" }` never match: the
    // URL always begins with "/". `/0086 allow /method "GET" /extension 'json'` never decides:
    // `/0088 deny /extension "json"`, after it, matches all it matches, so it lets no .json
    // anywhere through (no PITFALL_EXTENSION_WITHOUT_PATH for it; /0041's and /0092's stand).
    warnings: [
      d('MODEL_STRAY_STRING', 'dispatcher.any', 139),
      d('PITFALL_NEVER_DECIDES', 'dispatcher.any', 139),
      d('PITFALL_EXTENSION_WITHOUT_PATH', 'dispatcher.any', 117),
      d('PITFALL_EXTENSION_WITHOUT_PATH', 'dispatcher.any', 149),
      d('PITFALL_NEVER_MATCHES', 'dispatcher.any', 143),
      d('PITFALL_NEVER_MATCHES', 'dispatcher.any', 153),
      d('APACHE_REMOVED_DIRECTIVE', 'httpd.conf', 564),
      d('APACHE_REMOVED_DIRECTIVE', 'httpd.conf', 565)
    ],
    check: (c) => {
      expect(c.dispatcher.name?.value).toBe('dispatcher configuration by Suraj Kamdi')
      const f = farmNamed(c, 'website')
      expect([f.vanityUrls?.delay.value, f.vanityUrls?.file?.value]).toEqual([300, '/tmp/vanity_urls'])
      const cache = f.cache
      expect([cache?.statfileslevel.value, cache?.allowAuthorized.value]).toEqual([3, true])
      expect(cache?.docroot?.value).toBe('C:/Program Files (x86)/Apache Software Foundation/Apache2.2/htdocs')
      expect(f.filter).toHaveLength(17)
      const rule0086 = f.filter?.find((r) => r.label === '0086')
      expect(rule0086?.matchers.map((m) => [m.element, m.pattern.kind, m.pattern.source])).toEqual([
        ['method', 'glob', 'GET'],
        ['extension', 'regex', 'json']
      ])
      expect(f.filter?.find((r) => r.label === '0177')?.matchers.map((m) => m.pattern.source)).toEqual([
        'GET /libs/granite/security/currentuser.json'
      ])
    }
  },
  {
    set: ARCHITECT,
    label: 'dispatcher_MASTER_farm.any with INSTANCE_TYPE=AUTHOR',
    input: `${SECTIONS}dispatcher_MASTER_farm.any`,
    env: renderEnv('AUTHOR', '4502'),
    errors: [],
    check: (c) => {
      expect(c.dispatcher.name?.value).toBe('Acme Web Sites')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['author'])
      checkArchitectAuthor(c)
    }
  },
  {
    set: ARCHITECT,
    label: 'dispatcher_MASTER_farm.any with INSTANCE_TYPE=PUBLISH',
    input: `${SECTIONS}dispatcher_MASTER_farm.any`,
    env: renderEnv('PUBLISH', '4503'),
    // The PUBLISH farm includes "5.section_dispatcher_filter_publish_pci", which does not exist.
    errors: [d('INCLUDE_MISSING', `${SECTIONS}dispatcher_PUBLISH_farm.any`, 9)],
    check: (c) => {
      const f = farmNamed(c, 'publish')
      expect(f.filter).toBeUndefined()
      expect(f.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 4503]])
    }
  },
  ...MASTER_COPIES.map((file): CorpusRoot => ({
    set: ARCHITECT,
    label: `${file} (a copy of the MASTER file) with INSTANCE_TYPE=AUTHOR`,
    input: SECTIONS + file,
    env: renderEnv('AUTHOR', '4502'),
    errors: [],
    note: 'commented out in both farms; if included it would nest /farms inside a farm',
    check: (c) => {
      expect(c.dispatcher.name?.value).toBe('McAfee CMS Sites')
      checkArchitectAuthor(c)
    }
  })),
  {
    set: ARCHITECT,
    label: 'the publish sections no farm reaches, wrapped into a farm',
    input: 'dispatcher.any',
    env: renderEnv('PUBLISH', '4503'),
    assemble: {
      write: [
        {
          to: 'dispatcher.any',
          text: (abs) =>
            `/farms {\n  /publish {\n${ARCHITECT_PUBLISH_SECTIONS.map((s) => `    $include "${abs(SECTIONS + s)}"`).join('\n')}\n  }\n}\n`
        }
      ]
    },
    errors: [],
    check: (c) => {
      const f = farmNamed(c, 'publish')
      // 26 active rules: `* deny`, 8 legacy request-line globs ("GET /consumer/services/*") and /url rules.
      expect(f.filter).toHaveLength(26)
      expect(f.filter?.filter((r) => r.matchers.some((m) => m.element === 'glob'))).toHaveLength(9)
      expect(f.cache?.serveStaleOnError.value).toBe(true)
      expect(f.cache?.ignoreUrlParams?.map((r) => [r.glob?.source, r.type])).toEqual([['*', 'allow']])
      expect(f.sessionmanagement).toBeUndefined()
      expect(f.vanityUrls).toBeUndefined()
    }
  },
  {
    set: ARCHITECT,
    label: 'httpd_conf/conf/httpd.conf (DispatcherConfig inside a VirtualHost)',
    input: 'httpd_conf/conf/httpd.conf',
    httpd: { file: 'httpd_conf/conf/httpd.conf', serverRoot: 'httpd_conf' },
    // `Include conf.modules.d/*.conf`: the repository has no conf.modules.d folder.
    errors: [d('APACHE_INCLUDE_MISSING', 'httpd_conf/conf/httpd.conf', 56)],
    note: 'loadConfig cannot start here: locateConfig only finds conf.dispatcher.d/dispatcher.any or dispatcher.any',
    check: (c) => {
      const vhost = c.apache?.virtualHosts.find((v) => v.dispatcherConfig)
      expect(vhost?.dispatcherConfig?.value).toMatch(/(^|\/)conf\/dispatcher_config\/dispatcher_MASTER_farm\.any$/)
    }
  },
  {
    set: DOCS,
    label: 'author_dispatchernew.any',
    input: 'help/using/assets/author_dispatchernew.any',
    errors: [],
    check: (c) => {
      expect(c.dispatcher.name?.value).toBe('internet-server')
      const f = farmNamed(c, 'author')
      expect(f.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['localhost', 4502]])
      expect(f.filter?.map((r) => r.matchers.map((m) => m.element))).toEqual([
        ['glob'],
        ['glob'],
        ['glob'],
        ['glob'],
        ['glob']
      ])
      expect(f.propagateSyndPost.value).toBe(false)
      const cache = f.cache
      expect([cache?.docroot?.value, cache?.statfileslevel.value, cache?.allowAuthorized.value]).toEqual([
        '/opt/communique/dispatcher/cache',
        0,
        false
      ])
      expect(f.statistics.map((s) => s.label)).toEqual(['html', 'others'])
      expect(f.sessionmanagement).toBeUndefined()
      expect(f.authChecker).toBeUndefined()
    }
  },
  {
    set: CALEB,
    label: 'apache/dispatcher.any as checked in (its /etc/httpd glob names nothing here)',
    input: 'apache/dispatcher.any',
    errors: [],
    warnings: [d('INCLUDE_GLOB_EMPTY', 'apache/dispatcher.any', 20)],
    note: 'assumes the host has no /etc/httpd/conf.dispatcher.d/filters',
    check: (c) => expect(farmNamed(c, 'filtertestfarm').filter).toHaveLength(3)
  },
  {
    set: CALEB,
    label: 'apache/dispatcher.any installed as /etc/httpd/conf.dispatcher.d with filters/',
    input: '.',
    assemble: {
      copies: [
        { from: 'apache/dispatcher.any', to: 'conf.dispatcher.d/dispatcher.any' },
        { from: 'filters/002_test_filters.any', to: 'conf.dispatcher.d/filters/002_test_filters.any' },
        { from: 'filters/001_mytest_filters.any.sample', to: 'conf.dispatcher.d/filters/001_mytest_filters.any.sample' }
      ]
    },
    errors: [],
    check: (c) => {
      const rules = farmNamed(c, 'filtertestfarm').filter ?? []
      // 3 inline rules, then the 16 AMS-style rules; the .sample file stays out of the glob.
      expect(rules).toHaveLength(19)
      expect(rules[0].label).toBe('default-test-container-deny')
      expect(
        rules[1].matchers
          .filter((m) => m.element === 'selectors' || m.element === 'suffix')
          .map((m) => m.pattern.source)
      ).toEqual(['', ''])
      expect(rules.find((r) => r.label === 'AMS_PUB_DENY_DOTDOTSEMI')?.matchers[0].pattern).toMatchObject({
        kind: 'regex',
        source: '.*/[.][.];/.*'
      })
      expect(rules[rules.length - 1].label).toBe('AMS_PUB_DENY_CONTENT_PATH_SELECTORS')
    }
  },
  {
    set: CALEB,
    label: 'filters/001_mytest_filters.any.sample wrapped into a filter',
    input: 'dispatcher.any',
    assemble: {
      write: [
        {
          to: 'dispatcher.any',
          text: (abs) =>
            `/farms { /sample { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n  /filter { $include "${abs('filters/001_mytest_filters.any.sample')}" } } }\n`
        }
      ]
    },
    errors: [],
    // `/extensions "html"` is a typo for /extension.
    warnings: [d('MODEL_UNKNOWN_PROPERTY', 'filters/001_mytest_filters.any.sample', 5)]
  }
]
