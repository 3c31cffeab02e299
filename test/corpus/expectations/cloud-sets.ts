/**
 * AEMaaCS trees: wknd (§2), the Dispatcher SDK's sample `src/` and its image base (§3), and
 * venia's cloud module (§6). The SDK image base alone enables no farm and no vhost (customer
 * files are copied in at run time), so it is loaded as is (the "nothing enabled" outcome) and
 * assembled the way the image runs it. The image is not a customer `src` folder, so the SDK
 * validator is not run on it.
 */
import { expect } from 'vitest'
import { farmNamed } from '../helpers'
import { checkCloudDefaultFarm, SDK_IMAGE_DISPATCHER_ANY } from './archetype'
import type { CorpusRoot } from './types'

const WKND = 'adobe__aem-guides-wknd'
const SDK = 'aem-design__docker-dispatcher-sdk'
const VENIA = 'adobe__aem-cif-guides-venia'
const IMAGE = 'build/source/etc/httpd'

const enableImageDefaults = [
  {
    from: `${IMAGE}/conf.dispatcher.d/available_farms/default.farm`,
    to: 'conf.dispatcher.d/enabled_farms/default.farm'
  },
  { from: `${IMAGE}/conf.d/available_vhosts/default.vhost`, to: 'conf.d/enabled_vhosts/default.vhost' }
]

/** A farm written the old AMS way, through the image's backward-compatibility include names. */
const AMS_STYLE_FARMS = `/amsstyle {
  /clientheaders {
    $include "../clientheaders/ams_publish_clientheaders.any"
    $include "../clientheaders/ams_common_clientheaders.any"
  }
  /virtualhosts { $include "../vhosts/ams_publish_vhosts.any" }
  /renders { $include "../renders/ams_publish_renders.any" }
  /filter { $include "../filters/ams_publish_filters.any" }
  /cache {
    /docroot "\${DOCROOT}"
    /rules { $include "../cache/ams_publish_cache.any" }
    /allowedClients { $include "../cache/ams_publish_invalidate_allowed.any" }
  }
}
/legacy {
  /virtualhosts { $include "../vhosts/vhosts.any" }
  /renders { $include "../renders/renders.any" }
}
`

export const CLOUD_ROOTS: CorpusRoot[] = [
  {
    set: WKND,
    label: 'dispatcher/src (flexible mode, wknd.farm)',
    input: 'dispatcher/src',
    errors: [],
    check: (c) => {
      expect(c.layout).toBe('aemaacs')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      const f = farmNamed(c, 'publishfarm')
      expect(f.filter).toHaveLength(42)
      const methods = (f.filter ?? [])
        .flatMap((r) => r.matchers)
        .filter((m) => m.element === 'method' && m.pattern.kind === 'regex')
      expect(methods.map((m) => m.pattern.source)).toContain('(POST|OPTIONS)')
      // `* deny` first, then the 12 marketing parameters ignored (allow = ignore for cache purposes).
      const params = f.cache?.ignoreUrlParams ?? []
      expect(params).toHaveLength(13)
      expect([params[0].glob?.source, params[0].type]).toEqual(['*', 'deny'])
      expect(params.slice(1).every((p) => p.type === 'allow')).toBe(true)
      expect(params.map((p) => p.glob?.source)).toContain('fbclid')
      expect(f.cache?.headers).toHaveLength(12)
      expect([
        f.cache?.statfileslevel.value,
        f.cache?.gracePeriod.value,
        f.cache?.enableTTL.value,
        f.cache?.serveStaleOnError.value
      ]).toEqual([2, 2, true, true])
    }
  },
  {
    set: WKND,
    label: 'dispatcher/src run the way the SDK image assembles it (immutable dispatcher.any → enabled_farms/farms.any)',
    input: '.',
    assemble: {
      from: 'dispatcher/src',
      copies: [{ from: SDK_IMAGE_DISPATCHER_ANY, to: 'conf.dispatcher.d/dispatcher.any' }]
    },
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      expect(farmNamed(c, 'publishfarm').filter).toHaveLength(42)
    }
  },
  {
    set: SDK,
    label: 'SDK sample src',
    input: 'src',
    errors: [],
    check: (c) => {
      expect(c.layout).toBe('aemaacs')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      checkCloudDefaultFarm(c)
    }
  },
  {
    set: SDK,
    label: 'SDK image /etc/httpd as shipped (no farm, no vhost enabled)',
    input: IMAGE,
    sdkValidation: false,
    errors: [
      // `Include conf.d/enabled_vhosts/*.vhost` matching nothing fails httpd 2.4 (IncludeOptional would not).
      { code: 'APACHE_INCLUDE_MISSING', file: `${IMAGE}/conf.d/enabled_vhosts/vhosts.conf`, line: 2 },
      { code: 'MODEL_NO_FARMS', file: `${IMAGE}/conf.dispatcher.d/dispatcher.any`, line: 8 }
    ],
    warnings: [{ code: 'INCLUDE_GLOB_EMPTY', file: `${IMAGE}/conf.dispatcher.d/enabled_farms/farms.any`, line: 2 }],
    check: (c) => expect(c.dispatcher.farms).toEqual([])
  },
  {
    set: SDK,
    label: 'SDK image /etc/httpd with its default farm and vhost enabled',
    input: '.',
    sdkValidation: false,
    assemble: { from: IMAGE, copies: enableImageDefaults },
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      checkCloudDefaultFarm(c)
    }
  },
  {
    set: SDK,
    label: 'SDK image /etc/httpd with an AMS-style farm using the compatibility shims',
    input: '.',
    sdkValidation: false,
    assemble: {
      from: IMAGE,
      copies: enableImageDefaults.slice(1),
      write: [{ to: 'conf.dispatcher.d/enabled_farms/ams_style.farm', text: () => AMS_STYLE_FARMS }]
    },
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['amsstyle', 'legacy'])
      const ams = farmNamed(c, 'amsstyle')
      // ams_publish_clientheaders.any holds only comments; ams_common_* is a shim to the defaults.
      expect(ams.clientheaders).toHaveLength(36)
      expect(ams.virtualhosts.map((v) => v.value)).toEqual(['*'])
      expect(ams.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['localhost', 4503]])
      expect(ams.filter).toHaveLength(30)
      expect(ams.cache?.rules).toHaveLength(5)
      expect(ams.cache?.allowedClients).toHaveLength(2)
      const legacy = farmNamed(c, 'legacy')
      expect(legacy.virtualhosts.map((v) => v.value)).toEqual(['*'])
      expect(legacy.renders).toHaveLength(1)
    }
  },
  {
    set: VENIA,
    label: 'dispatcher/src (AEMaaCS, older immutable files)',
    input: 'dispatcher/src',
    errors: [],
    // /0302's `/selectors "sitemap\.[^\.\/]+-sitemap"` needs a dot, which no selector holds.
    warnings: [
      { code: 'PITFALL_NEVER_MATCHES', file: 'dispatcher/src/conf.dispatcher.d/filters/filters.any', line: 23 }
    ],
    check: (c) => {
      expect(c.layout).toBe('aemaacs')
      const f = farmNamed(c, 'publishfarm')
      expect(f.filter).toHaveLength(34)
      const selectors = (f.filter ?? []).flatMap((r) => r.matchers).filter((m) => m.element === 'selectors')
      expect(selectors.map((m) => [m.pattern.kind, m.pattern.source])).toContainEqual(['regex', '[0-9-]+'])
      // A regex-looking value in double quotes stays a glob.
      expect(selectors.map((m) => [m.pattern.kind, m.pattern.source])).toContainEqual([
        'glob',
        'sitemap\\.[^\\.\\/]+-sitemap'
      ])
      expect(f.cache?.rules).toHaveLength(6)
      expect([f.cache?.statfileslevel.value, f.cache?.gracePeriod.value, f.cache?.enableTTL.value]).toEqual([
        2,
        2,
        true
      ])
      expect(f.cache?.allowedClients?.map((r) => r.glob?.source)).toEqual(['*.*.*.*', '127.0.0.1'])
    }
  }
]
