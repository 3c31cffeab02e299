/**
 * Hot reload survives folders that go away and come back: a `git checkout` of a branch
 * without dispatcher/ and back, a sync tool recreating a folder, an enabled_* folder rebuilt.
 * The watcher must watch the recreated folders again, so the edits after that reload.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { Engine, type EngineEvent } from '../../src/main/engine/engine'
import { embeddedConfigCopy } from './support/config'

type ConfigEvent = Extract<EngineEvent, { type: 'config' }>

const engines: Engine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()))
})

/** Every config event the engine publishes, and a way to wait for the next one that fits. */
function configEvents(engine: Engine): {
  next(fits: (e: ConfigEvent) => boolean, what: string): Promise<ConfigEvent>
  quiet(ms: number): Promise<void>
} {
  const seen: ConfigEvent[] = []
  const waiting: Array<{ fits: (e: ConfigEvent) => boolean; resolve: (e: ConfigEvent) => void }> = []
  engine.events.subscribe((e) => {
    if (e.type !== 'config') return
    seen.push(e)
    for (const w of waiting.splice(0)) {
      if (w.fits(e)) w.resolve(e)
      else waiting.push(w)
    }
  })
  return {
    /** Waits `ms` and fails if a reload came meanwhile: nothing reloads by itself (an edit's reload is its own). */
    async quiet(ms) {
      const before = seen.length
      await sleep(ms)
      expect(
        seen.slice(before).map((e) => e.generation),
        'config events while nothing changed'
      ).toEqual([])
    },
    next(fits, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no config event ${what} within 4 s (saw ${seen.map((e) => e.ok).join(',')})`)),
          4000
        )
        waiting.push({
          fits,
          resolve: (e) => {
            clearTimeout(timer)
            resolve(e)
          }
        })
      })
    }
  }
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The embedded configuration with its enabled farm and vhost as links into available_*, like the SDK's. */
function linkedConfig(): string {
  const dir = embeddedConfigCopy('dw-recreate-')
  for (const [enabled, target] of [
    ['conf.dispatcher.d/enabled_farms/default.farm', '../available_farms/default.farm'],
    ['conf.d/enabled_vhosts/default.vhost', '../available_vhosts/default.vhost']
  ]) {
    fs.rmSync(path.join(dir, enabled))
    fs.symlinkSync(target, path.join(dir, enabled))
  }
  return dir
}

async function serve(dir: string): Promise<{ engine: Engine; events: ReturnType<typeof configEvents> }> {
  const engine = new Engine({ config: dir, host: '127.0.0.1', port: 0, debounceMs: 50 })
  engines.push(engine)
  await engine.start()
  return { engine, events: configEvents(engine) }
}

/** Appends a comment: a change the configuration reloads for, without changing what it does. */
function touch(file: string): void {
  fs.appendFileSync(file, '\n# touched\n')
}

describe('hot reload after a folder is removed and recreated', () => {
  it('reloads edits again once the whole configuration folder is back', async () => {
    const dir = linkedConfig()
    const pristine = tempDir('dw-pristine-')
    fs.cpSync(dir, pristine, { recursive: true, verbatimSymlinks: true })
    const { engine, events } = await serve(dir)

    const refused = events.next((e) => !e.ok, 'refusing the missing folder')
    fs.rmSync(dir, { recursive: true })
    expect((await refused).errors[0]).toMatchObject({ code: 'CONFIG_INPUT' })
    // Longer than the debounce: the watcher has settled on the folder being gone.
    await sleep(300)

    const back = events.next((e) => e.ok, 'loading the recreated folder')
    fs.cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true })
    const first = await back
    // The recreation's own events are over; from here on nothing reloads unless edited.
    await sleep(300)
    expect(engine.reloadStatus.ok).toBe(true)

    for (const file of [
      'conf.dispatcher.d/filters/filters.any',
      'conf.dispatcher.d/available_farms/default.farm',
      'conf.d/available_vhosts/default.vhost'
    ]) {
      await events.quiet(250)
      const edited = events.next((e) => e.ok && e.generation > first.generation, `after editing ${file}`)
      touch(path.join(dir, file))
      await edited
    }
    await events.quiet(250)
  })

  for (const sub of ['conf.d', 'conf.dispatcher.d/enabled_farms', 'conf.dispatcher.d/available_farms']) {
    it(`reloads edits again once ${sub} is back`, async () => {
      const dir = linkedConfig()
      const pristine = tempDir('dw-pristine-')
      fs.cpSync(path.join(dir, sub), pristine, { recursive: true, verbatimSymlinks: true })
      const { events } = await serve(dir)

      // Without conf.d there is no httpd side, which loads; without a farm, it is refused.
      const gone = events.next(() => true, `reloading without ${sub}`)
      fs.rmSync(path.join(dir, sub), { recursive: true })
      const without = await gone
      await sleep(300)

      const back = events.next((e) => e.ok && e.generation > without.generation, `loading with ${sub} back`)
      fs.cpSync(pristine, path.join(dir, sub), { recursive: true, verbatimSymlinks: true })
      const first = await back
      // The recreation's own events are over; from here on nothing reloads unless edited.
      await sleep(300)

      for (const file of ['conf.dispatcher.d/available_farms/default.farm', 'conf.d/available_vhosts/default.vhost']) {
        await events.quiet(250)
        const edited = events.next((e) => e.ok && e.generation > first.generation, `after editing ${file}`)
        touch(path.join(dir, file))
        await edited
      }
      await events.quiet(250)
    })
  }

  it('reloads edits again when the folder is back before the reload it caused (rm -rf and copy at once)', async () => {
    const dir = linkedConfig()
    const pristine = tempDir('dw-pristine-')
    fs.cpSync(dir, pristine, { recursive: true, verbatimSymlinks: true })
    const { events } = await serve(dir)

    const reloaded = events.next(() => true, 'after the folder was replaced')
    fs.rmSync(dir, { recursive: true })
    fs.cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true })
    const first = await reloaded
    await sleep(300)
    await events.quiet(250)

    const edited = events.next((e) => e.ok && e.generation > first.generation, 'after editing the farm')
    touch(path.join(dir, 'conf.dispatcher.d/available_farms/default.farm'))
    await edited
  })

  it('reloads edits again once the folder an enabled link points into is back, outside the configuration', async () => {
    const dir = embeddedConfigCopy('dw-recreate-')
    const outside = tempDir('dw-farms-')
    const farms = path.join(outside, 'farms')
    fs.mkdirSync(farms)
    const farm = path.join(farms, 'default.farm')
    fs.copyFileSync(path.join(dir, 'conf.dispatcher.d/available_farms/default.farm'), farm)
    const enabled = path.join(dir, 'conf.dispatcher.d/enabled_farms/default.farm')
    fs.rmSync(enabled)
    fs.symlinkSync(farm, enabled)
    const text = fs.readFileSync(farm)
    const { events } = await serve(dir)

    const refused = events.next((e) => !e.ok, 'refusing the farm link whose target is gone')
    fs.rmSync(farms, { recursive: true })
    await refused
    await sleep(300)

    const back = events.next((e) => e.ok, "loading the farm once its link's target is back")
    fs.mkdirSync(farms)
    fs.writeFileSync(farm, text)
    const first = await back
    // The recreation's own events are over; from here on nothing reloads unless edited.
    await sleep(300)

    await events.quiet(250)
    const edited = events.next((e) => e.ok && e.generation > first.generation, "after editing the link's target")
    touch(farm)
    await edited
  })
})
