/**
 * A refused reload shows the warnings the refused configuration adds to the serving one's:
 * deleting the enabled farm gives two errors that say nothing is enabled, while the warning on
 * `$include "enabled_farms/*.farm"` says what available_farms/ has and how a farm is enabled.
 * The serve log and the engine's status (what the UI shows) both carry it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine, type EngineEvent } from '../../src/main/engine/engine'
import { startCli } from './support/cli'
import { embeddedConfigCopy } from './support/config'

const engines: Engine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()))
})

const ENABLED_FARM = 'conf.dispatcher.d/enabled_farms/default.farm'

describe('a refused reload', () => {
  it("carries the refused configuration's own warnings in its event and the reload status", async () => {
    const dir = embeddedConfigCopy('dw-refused-')
    const engine = new Engine({ config: dir, host: '127.0.0.1', port: 0, debounceMs: 50 })
    engines.push(engine)
    await engine.start()
    const refused = new Promise<Extract<EngineEvent, { type: 'config' }>>((resolve) =>
      engine.events.subscribe((e) => {
        if (e.type === 'config' && !e.ok) resolve(e)
      })
    )
    fs.rmSync(path.join(dir, ENABLED_FARM))
    const event = await refused
    expect(event.errors.map((d) => d.code)).toContain('MODEL_NO_FARMS')
    const hint = expect.objectContaining({
      code: 'INCLUDE_GLOB_EMPTY',
      message: expect.stringContaining('available_farms/ has 1 file(s) that would match (default.farm)')
    })
    expect(event.warnings).toEqual([hint])
    expect(engine.reloadStatus.warnings).toEqual([hint])
    // The serving configuration keeps its own warnings; a reload that loads clears the refused ones.
    fs.copyFileSync(path.join(dir, 'conf.dispatcher.d/available_farms/default.farm'), path.join(dir, ENABLED_FARM))
    await expect.poll(() => engine.reloadStatus.ok, { timeout: 4000 }).toBe(true)
    expect(engine.reloadStatus.warnings).toEqual([])
  })

  it('is printed by serve with the warnings of the refused configuration under its errors', async () => {
    const dir = embeddedConfigCopy('dw-refused-cli-')
    const cli = startCli(['serve', dir, '--port', '0', '--no-ui'])
    try {
      await cli.waitFor(/^Proxy: /m)
      fs.rmSync(path.join(dir, ENABLED_FARM))
      const m = await cli.waitFor(
        /^Configuration NOT reloaded, the previous one keeps serving:\n((?: {2}.*\n)+?) {2}with warning\(s\) of the refused configuration:\n((?: {2}.*\n)+)/m
      )
      expect(m[1]).toContain('MODEL_NO_FARMS')
      expect(m[2]).toMatch(/dispatcher\.any:\d+:\d+: warning INCLUDE_GLOB_EMPTY .*available_farms\/ has 1 file/)
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
  })
})
