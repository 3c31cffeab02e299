/**
 * adobe/aem-project-archetype (MANIFEST §1): Velocity templates of the AEMaaCS and AMS
 * dispatcher modules. Velocity references still in the files are supplied as variables the
 * way generation would fill them: `appId=__appId__` makes `${appId}_rewrite.rules` name the
 * file `__appId___rewrite.rules` that is actually there.
 */
import { expect } from 'vitest'
import type { LoadedConfig } from '../../../src/shared/config-model'
import { farmNamed } from '../helpers'
import type { CorpusRoot } from './types'

const SET = 'adobe__aem-project-archetype'
const CLOUD = 'src/main/archetype/dispatcher.cloud/src'
const AMS = 'src/main/archetype/dispatcher.ams/src'

export const VELOCITY = { appId: '__appId__', country: 'us', language: 'en' }

/**
 * The SDK image's own dispatcher.any (image 2.0.169), as a path relative to any set folder.
 * The image replaces a project's copy with it, so the project's `enabled_farms/farms.any` is
 * what actually selects the farms at run time.
 */
export const SDK_IMAGE_DISPATCHER_ANY =
  '../aem-design__docker-dispatcher-sdk/build/source/etc/httpd/conf.dispatcher.d/dispatcher.any'

/** The AEMaaCS default farm (archetype, SDK, and the SDK image once a farm is enabled). */
export function checkCloudDefaultFarm(c: LoadedConfig, name = 'publishfarm'): void {
  const f = farmNamed(c, name)
  expect(f.virtualhosts.map((v) => v.value)).toEqual(['*'])
  expect(f.clientheaders).toHaveLength(36)
  expect(f.renders.map((r) => [r.hostname.value, r.port.value, r.timeout.value])).toEqual([['localhost', 4503, 10000]])
  expect(f.propagateSyndPost.value).toBe(false)
  const cache = f.cache
  expect(cache?.docroot?.value).toBe('/mnt/var/www/html')
  expect([cache?.statfileslevel.value, cache?.gracePeriod.value]).toEqual([2, 2])
  expect([cache?.allowAuthorized.value, cache?.serveStaleOnError.value, cache?.enableTTL.value]).toEqual([
    false,
    true,
    true
  ])
  expect(cache?.invalidate?.map((r) => r.glob?.source)).toEqual(['*', '*.html', '/content/forms/**/*.html'])
  expect(cache?.allowedClients?.map((r) => r.glob?.source)).toEqual(['*.*.*.*', '127.0.0.1'])
  expect(cache?.headers).toHaveLength(6)
  // /ignoreUrlParams, /vanity_urls and /info appear only as comments.
  expect(cache?.ignoreUrlParams).toBeUndefined()
  expect(f.vanityUrls).toBeUndefined()
  expect(f.info.value).toBe(false)
}

function checkAmsFarms(c: LoadedConfig): void {
  expect(c.dispatcher.name?.value).toBe('internet-server')
  const author = farmNamed(c, 'authorfarm')
  const publish = farmNamed(c, 'publishfarm')
  expect(author.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 4502]])
  expect(publish.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 4503]])
  expect(author.virtualhosts.map((v) => v.value)).toEqual(['author-*', 'author.localhost'])
  expect(publish.virtualhosts.map((v) => v.value)).toEqual(['localhost'])
  expect([publish.vanityUrls?.url.value, publish.vanityUrls?.file?.value, publish.vanityUrls?.delay.value]).toEqual([
    '/libs/granite/dispatcher/content/vanityUrls.html',
    '/tmp/vanity_urls',
    300
  ])
  expect([author.cache?.statfileslevel.value, publish.cache?.statfileslevel.value]).toEqual([2, 2])
  expect([author.cache?.allowAuthorized.value, publish.cache?.allowAuthorized.value]).toEqual([true, false])
  expect(publish.cache?.serveStaleOnError.value).toBe(true)
  expect(publish.cache?.headers).toHaveLength(6)
  // `${CRX_FILTER}` comes from the environment, `${ASSET_DOWNLOAD_RULE}` from `Define` in ams_default.vars.
  const types = Object.fromEntries((author.filter ?? []).map((r) => [r.label, r.type]))
  expect([types['0014'], types['0070']]).toEqual(['deny', 'deny'])
  expect(publish.filter).toHaveLength(15)
  expect(author.cache?.rules).toHaveLength(10)
}

export const ARCHETYPE_ROOTS: CorpusRoot[] = [
  {
    set: SET,
    label: 'dispatcher.cloud (AEMaaCS)',
    input: CLOUD,
    env: VELOCITY,
    errors: [],
    check: (c) => {
      expect(c.layout).toBe('aemaacs')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      checkCloudDefaultFarm(c)
      const filter = farmNamed(c, 'publishfarm').filter ?? []
      expect(filter).toHaveLength(32)
      expect(filter.flatMap((r) => r.matchers).filter((m) => m.pattern.kind === 'regex')).toHaveLength(22)
    }
  },
  {
    set: SET,
    label:
      'dispatcher.cloud run the way the SDK image assembles it (immutable dispatcher.any → enabled_farms/farms.any)',
    input: '.',
    env: VELOCITY,
    assemble: { from: CLOUD, copies: [{ from: SDK_IMAGE_DISPATCHER_ANY, to: 'conf.dispatcher.d/dispatcher.any' }] },
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['publishfarm'])
      checkCloudDefaultFarm(c)
    }
  },
  {
    set: SET,
    label: 'dispatcher.ams (AMS)',
    input: AMS,
    env: VELOCITY,
    errors: [],
    check: (c) => {
      expect(c.layout).toBe('classic')
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'publishfarm'])
      checkAmsFarms(c)
    }
  },
  {
    set: SET,
    label: 'dispatcher.ams with the livecycle farm enabled too',
    input: '.',
    env: VELOCITY,
    assemble: {
      from: AMS,
      copies: [
        {
          from: `${AMS}/conf.dispatcher.d/available_farms/001_ams_lc_farm.any`,
          to: 'conf.dispatcher.d/enabled_farms/001_ams_lc_farm.any'
        }
      ]
    },
    errors: [],
    check: (c) => {
      expect(c.dispatcher.farms.map((f) => f.name)).toEqual(['authorfarm', 'lcfarm', 'publishfarm'])
      checkAmsFarms(c)
      const lc = farmNamed(c, 'lcfarm')
      expect(lc.renders.map((r) => [r.hostname.value, r.port.value])).toEqual([['127.0.0.1', 8080]])
      expect(lc.virtualhosts.map((v) => v.value)).toEqual(['lc.localhost'])
    }
  }
]
