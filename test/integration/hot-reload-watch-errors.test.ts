/**
 * The watcher on trees it cannot watch in full, and on files put back by copy tools.
 * A symlink loop (or a folder it may not read) beside the configuration makes chokidar report
 * an error on every scan: that must not reload (the reload's fresh watcher meets the same error,
 * which reloaded forever), only be told once, while edits still reload. Files put back with
 * their old mtimes (`cp -a`, `rsync -a`) or gone since the load read them must reload.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigWatcher } from '../../src/main/engine/config/watch'
import { Engine, type EngineEvent } from '../../src/main/engine/engine'
import { startCli } from './support/cli'
import { embeddedConfigCopy } from './support/config'

const FILTERS = 'conf.dispatcher.d/filters/filters.any'
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const closing: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()))
})

/** Calls of `onChange` a watcher made, and a way to wait for the first. */
function changes(): { count: () => number; first: Promise<void>; onChange: () => void } {
  let n = 0
  let resolve!: () => void
  const first = new Promise<void>((r) => (resolve = r))
  return {
    count: () => n,
    first,
    onChange: () => {
      n++
      resolve()
    }
  }
}

describe('watcher errors', () => {
  it('a symlink loop beside the configuration is told once and reloads nothing; an edit still reloads', async () => {
    const dir = embeddedConfigCopy('dw-watch-loop-')
    const filtersDir = path.dirname(path.join(dir, FILTERS))
    fs.symlinkSync('loop', path.join(filtersDir, 'loop'))
    // Not in the millisecond the load begins: a change stamped then counts as after it.
    await sleep(20)
    const engine = new Engine({ config: dir, host: '127.0.0.1', port: 0, debounceMs: 50 })
    closing.push(() => engine.stop())
    const seen: EngineEvent[] = []
    engine.events.subscribe((e) => {
      if (e.type === 'config' || e.type === 'watch') seen.push(e)
    })
    await engine.start()
    const generation = engine.active.generation
    await sleep(1500)
    // The start's own load is generation 1's event; any later one is a reload.
    const reloads = (): number[] => seen.flatMap((e) => (e.type === 'config' && e.generation > 1 ? [e.generation] : []))
    expect(reloads(), 'reloads while nothing changed').toEqual([])
    const problems = seen.flatMap((e) => (e.type === 'watch' ? [e.problem] : []))
    expect(problems).toEqual([expect.objectContaining({ path: path.join(filtersDir, 'loop'), code: 'ELOOP' })])

    fs.appendFileSync(path.join(dir, FILTERS), '\n# touched\n')
    const deadline = Date.now() + 4000
    while (engine.active.generation === generation && Date.now() < deadline) await sleep(50)
    expect(engine.active.generation).toBe(generation + 1)
    await sleep(1000)
    // Still once, though the reload's fresh watcher met the loop again; and no reload after the edit's.
    expect(engine.active.generation).toBe(generation + 1)
    expect(seen.filter((e) => e.type === 'watch').length).toBe(1)
  })
})

describe('serve and watcher errors', () => {
  it('prints what is not watched once, also while a configuration with errors waits, and reloads nothing', async () => {
    const dir = embeddedConfigCopy('dw-watch-serve-')
    const filters = path.join(dir, FILTERS)
    const good = fs.readFileSync(filters, 'utf8')
    fs.symlinkSync('loop', path.join(path.dirname(filters), 'loop'))
    fs.appendFileSync(filters, '\n/9999 { /type "allow" /url "/broken"\n')
    const cli = startCli(['serve', dir, '--port', '0', '--no-ui'])
    try {
      await cli.waitFor(/^Warning: not watched, edits there do not reload: .*loop \(ELOOP: /m)
      await cli.waitFor(/^Configuration has 1 error\(s\)/m)
      fs.writeFileSync(filters, good)
      await cli.waitFor(/^Proxy: /m, 10_000)
      await sleep(1000)
      const out = cli.output()
      expect(out.match(/Warning: not watched/g)).toHaveLength(1)
      expect(out.match(/Configuration has 1 error/g)).toHaveLength(1)
      expect(out).not.toContain('Configuration reloaded')
    } finally {
      cli.child.kill('SIGTERM')
    }
    expect(await cli.exited).toBe(0)
  })
})

describe('changes between a load and its watcher being ready', () => {
  it('a folder put back by a copy that keeps old mtimes (cp -a) reloads', async () => {
    const dir = embeddedConfigCopy('dw-watch-cpa-')
    const filters = path.join(dir, FILTERS)
    const backup = embeddedConfigCopy('dw-watch-cpa-backup-')
    const old = new Date('2020-01-01T00:00:00Z')
    fs.utimesSync(path.join(backup, FILTERS), old, old)
    fs.utimesSync(path.dirname(path.join(backup, FILTERS)), old, old)
    const since = Date.now()
    // After the load began (it read the file): the folder replaced by the backup, old mtimes kept.
    fs.rmSync(path.dirname(filters), { recursive: true })
    fs.cpSync(path.dirname(path.join(backup, FILTERS)), path.dirname(filters), {
      recursive: true,
      preserveTimestamps: true
    })
    expect(fs.statSync(filters).mtimeMs).toBeLessThan(since)
    const c = changes()
    // The file alone: the folder's own times depend on the order the copy sets them in.
    const watcher = new ConfigWatcher([filters], since, c.onChange, 50, { read: [filters] })
    closing.push(() => watcher.close())
    await watcher.ready()
    await Promise.race([c.first, sleep(1000)])
    expect(c.count()).toBe(1)
  })

  it('a file the load read and that is gone before the watcher starts reloads', async () => {
    const dir = embeddedConfigCopy('dw-watch-gone-')
    const filters = path.join(dir, FILTERS)
    fs.rmSync(filters)
    // The folder's mtime from the deletion stamped before `since`, as a coarse file-system clock
    // can stamp one made just after the load began: only what the load read tells it was there.
    await sleep(20)
    const since = Date.now()
    const c = changes()
    const watcher = new ConfigWatcher([filters, path.dirname(filters)], since, c.onChange, 50, { read: [filters] })
    closing.push(() => watcher.close())
    await watcher.ready()
    await Promise.race([c.first, sleep(1000)])
    expect(c.count()).toBe(1)
  })

  it('nothing changed since the load: no reload', async () => {
    const dir = embeddedConfigCopy('dw-watch-none-')
    const filters = path.join(dir, FILTERS)
    await sleep(20)
    const c = changes()
    const watcher = new ConfigWatcher([filters, path.dirname(filters)], Date.now(), c.onChange, 50, {
      read: [filters]
    })
    closing.push(() => watcher.close())
    await watcher.ready()
    await sleep(500)
    expect(c.count()).toBe(0)
  })
})
