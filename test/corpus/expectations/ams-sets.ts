/**
 * AMS / classic server-root trees: venia's classic module (§6) and the AMS 2.6 baseline of
 * adobe/aem-dispatcher-docker with its We.Retail sample (§7).
 *
 * The AMS 2.6 baseline has no `enabled_farms/` or `enabled_vhosts/` (a setup script links them
 * at run time), so it is loaded as is (nothing enabled: no farms, and httpd's `Include` of an
 * empty glob fails) and assembled with every available farm and vhost enabled. The We.Retail
 * sample is a farm fragment written for that tree (its includes name `/etc/httpd/…`), so it is
 * assembled into a copy of it the way the sample's Dockerfile does.
 */
import { expect } from 'vitest'
import { farmNamed } from '../helpers'
import type { CorpusRoot, ExpectedDiagnostic } from './types'

const VENIA = 'adobe__aem-cif-guides-venia'
const CLASSIC = 'classic/dispatcher/src'
const DOCKER = 'adobe__aem-dispatcher-docker'
const AMS26 = 'ams/2.6/etc/httpd'

const AMS26_FARMS = [
  '000_ams_catchall_farm.any',
  '001_ams_author_flush_farm.any',
  '001_ams_publish_flush_farm.any',
  '002_ams_author_farm.any',
  '002_ams_lc_farm.any',
  '002_ams_publish_farm.any'
]
const AMS26_VHOSTS = [
  '000_unhealthy_author.vhost',
  '000_unhealthy_publish.vhost',
  'aem_author.vhost',
  'aem_flush.vhost',
  'aem_flush_author.vhost',
  'aem_publish.vhost',
  'ams_lc.vhost'
]

const enable = (kind: 'farms' | 'vhosts', names: string[]) =>
  names.map((n) =>
    kind === 'farms'
      ? { from: `${AMS26}/conf.dispatcher.d/available_farms/${n}`, to: `conf.dispatcher.d/enabled_farms/${n}` }
      : { from: `${AMS26}/conf.d/available_vhosts/${n}`, to: `conf.d/enabled_vhosts/${n}` }
  )

const d = (code: string, file: string, line: number): ExpectedDiagnostic => ({ code, file, line })

export const AMS_ROOTS: CorpusRoot[] = [
  {
    set: VENIA,
    label: 'classic/dispatcher/src (AMS)',
    input: CLASSIC,
    errors: [],
    check: (c) => {
      expect(c.layout).toBe('classic')
      expect(c.dispatcher.name?.value).toBe('internet-server')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'publishfarm'])
      const publish = farmNamed(c, 'publishfarm')
      expect(publish.vanityUrls?.delay.value).toBe(300)
      expect(publish.cache?.statfileslevel.value).toBe(2)
      const types = Object.fromEntries((farmNamed(c, 'authorfarm').filter ?? []).map((r) => [r.label, r.type]))
      expect([types['0014'], types['0070']]).toEqual(['deny', 'deny'])
    }
  },
  {
    set: VENIA,
    label: 'classic/dispatcher/src with the livecycle farm enabled too',
    input: '.',
    assemble: {
      from: CLASSIC,
      copies: [
        {
          from: `${CLASSIC}/conf.dispatcher.d/available_farms/001_ams_lc_farm.any`,
          to: 'conf.dispatcher.d/enabled_farms/001_ams_lc_farm.any'
        }
      ]
    },
    errors: [],
    check: (c) => expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'lcfarm', 'publishfarm'])
  },
  {
    set: DOCKER,
    label: 'AMS 2.6 /etc/httpd as shipped (no farm, no vhost enabled)',
    input: AMS26,
    errors: [
      d('APACHE_INCLUDE_MISSING', `${AMS26}/conf.d/dispatcher_vhost.conf`, 31),
      d('MODEL_NO_FARMS', `${AMS26}/conf.dispatcher.d/dispatcher.any`, 8)
    ],
    warnings: [d('INCLUDE_GLOB_EMPTY', `${AMS26}/conf.dispatcher.d/dispatcher.any`, 9)],
    check: (c) => expect(c.dispatcher.farms).toEqual([])
  },
  {
    set: DOCKER,
    label: 'AMS 2.6 /etc/httpd with every available farm and vhost enabled',
    input: '.',
    assemble: { from: AMS26, copies: [...enable('farms', AMS26_FARMS), ...enable('vhosts', AMS26_VHOSTS)] },
    errors: [],
    // The publish filter's `/0018 deny /query "debug=*"` misses `?x=1&debug=y`, which its allow
    // rules then let through. The catch-all farm's /0101 and /0102 say the same, but its filter
    // allows nothing, so what they miss is denied all the same: no warning for them.
    warnings: [
      d('PITFALL_ANCHORED_QUERY_DENY', `${AMS26}/conf.dispatcher.d/filters/ams_publish_filters.any`, 33),
      d('PITFALL_ANCHORED_QUERY_DENY', `${AMS26}/conf.dispatcher.d/filters/ams_publish_filters.any`, 34)
    ],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual([
        'catchallfarm',
        'authorflushfarm',
        'publishflushfarm',
        'authorfarm',
        'lcfarm',
        'publishfarm'
      ])
      const catchall = farmNamed(c, 'catchallfarm')
      expect(catchall.virtualhosts.map((v) => v.value)).toEqual(['*'])
      // Its render loops back into Apache itself; its cache has no /docroot.
      expect(catchall.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 80]])
      expect(catchall.cache?.docroot).toBeUndefined()
      expect(catchall.cache?.statfileslevel.value).toBe(2)
      expect(catchall.cache?.ignoreUrlParams?.map((r) => [r.glob?.source, r.type])).toEqual([['*', 'allow']])
      // `/statfileslevel "${DEFAULT_STAT_LEVEL}"`, from `Define DEFAULT_STAT_LEVEL 4` in conf.d/variables.
      for (const name of ['authorflushfarm', 'publishflushfarm', 'authorfarm', 'publishfarm']) {
        expect(farmNamed(c, name).cache?.statfileslevel.value).toBe(4)
      }
      expect(farmNamed(c, 'publishflushfarm').virtualhosts.map((v) => v.value)).toEqual(['dispflush', 'flush'])
      expect(farmNamed(c, 'publishfarm').cache?.gracePeriod.value).toBe(2)
    }
  },
  {
    set: DOCKER,
    label: 'sample We.Retail farm installed into the AMS 2.6 tree',
    input: '.',
    assemble: {
      from: AMS26,
      copies: [
        { from: 'sample/weretail_publish_farm.any', to: 'conf.dispatcher.d/enabled_farms/weretail_publish_farm.any' },
        { from: 'sample/weretail_filters.any', to: 'conf.dispatcher.d/filters/weretail_filters.any' },
        { from: 'sample/weretail.vhost', to: 'conf.d/enabled_vhosts/weretail.vhost' }
      ]
    },
    errors: [],
    check: (c) => {
      const f = farmNamed(c, 'weretail-publishfarm')
      // Unquoted list items.
      expect(f.virtualhosts.map((v) => v.value)).toEqual(['we-retail', 'we-retail.docker.local'])
      expect(f.filter).toHaveLength(20)
      expect(f.filter?.[0].label).toBe('DENY_ALL')
      expect(f.filter?.map((r) => r.label)).toContain('deny-path-traversal-attack')
      expect(f.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 4503]])
      expect(f.clientheaders).toHaveLength(33)
      expect(f.cache?.statfileslevel.value).toBe(4)
      expect(c.apache?.virtualHosts.map((v) => v.serverName?.value)).toContain('we-retail')
    }
  },
  {
    set: DOCKER,
    label: 'sample We.Retail farm loaded on its own (a fragment, not a dispatcher.any)',
    input: 'sample/weretail_publish_farm.any',
    errors: [
      d('MODEL_NO_FARMS', 'sample/weretail_publish_farm.any', 1),
      ...[5, 6, 15, 20, 53, 77].map((l) => d('INCLUDE_MISSING', 'sample/weretail_publish_farm.any', l))
    ],
    warnings: [
      d('MODEL_UNKNOWN_PROPERTY', 'sample/weretail_publish_farm.any', 1),
      d('VAR_UNDEFINED', 'sample/weretail_publish_farm.any', 41)
    ],
    note: 'outside an /etc/httpd tree its absolute includes name nothing (assumes the host has no /etc/httpd/conf.dispatcher.d)'
  }
]
