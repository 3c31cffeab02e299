/**
 * Loading compiles every farm's filter and every vhost's Apache runtime to report compile-time
 * problems; compileConfig serves those same objects instead of compiling them a second time,
 * and only once, so two ActiveConfigs never share the per-vhost memos.
 */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { resourcesDir } from '../../../src/main/engine/resources'
import { compileConfig } from '../../../src/main/engine/runtime/active-config'
import { keepPrecompiled, takePrecompiled } from '../../../src/main/engine/runtime/precompiled'
import { RenderRegistry } from '../../../src/main/engine/runtime/render-registry'

const registry = new RenderRegistry()
afterAll(() => registry.closeAll())

describe('compiling a loaded configuration', () => {
  it('serves what loading compiled, once', () => {
    const loaded = loadConfig(path.join(resourcesDir(), 'default-config'), { embedded: true, keepCompiled: true })
    const parts = takePrecompiled(loaded)!
    const vhosts = loaded.apache!.virtualHosts
    expect(parts.vhosts.size).toBe(vhosts.length)
    expect(parts.filters.size).toBe(loaded.dispatcher.farms.length)
    keepPrecompiled(loaded, parts)

    const active = compileConfig(loaded, 1, registry, new Set())
    active.vhosts.forEach((v, i) => expect(v.apache).toBe(parts.vhosts.get(vhosts[i])))
    active.farms.forEach((f) => expect(f.filter).toBe(parts.filters.get(f.farm)))

    const again = compileConfig(loaded, 2, registry, new Set())
    again.vhosts.forEach((v, i) => expect(v.apache).not.toBe(active.vhosts[i].apache))
    again.farms.forEach((f, i) => expect(f.filter).not.toBe(active.farms[i].filter))
  })

  it('keeps nothing for a caller that does not ask (check)', () => {
    const loaded = loadConfig(path.join(resourcesDir(), 'default-config'), { embedded: true })
    expect(takePrecompiled(loaded)).toBeUndefined()
  })
})
