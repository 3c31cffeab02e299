/**
 * Hot reload: watches every file the configuration was read from and every folder whose
 * include globs could gain files; changes are debounced into one reload. chokidar handles
 * the platform differences (editors that replace files by rename, macOS FSEvents, …).
 */
import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import type { LoadedConfig } from '../../../shared/config-model'

export class ConfigWatcher {
  private readonly watcher: FSWatcher
  private timer?: NodeJS.Timeout
  private watched = new Set<string>()

  constructor(
    config: LoadedConfig,
    private readonly onChange: () => void,
    private readonly debounceMs: number
  ) {
    this.watcher = watch([], { ignoreInitial: true, awaitWriteFinish: false })
    const fire = (): void => {
      clearTimeout(this.timer)
      this.timer = setTimeout(() => this.onChange(), this.debounceMs)
    }
    this.watcher.on('add', fire).on('change', fire).on('unlink', fire)
    this.update(config)
  }

  /** Watch what the new configuration was read from (includes can come and go). */
  update(config: LoadedConfig): void {
    const wanted = new Set<string>([...config.files, ...config.watchDirs, ...config.files.map((f) => path.dirname(f))])
    const add = [...wanted].filter((p) => !this.watched.has(p))
    if (add.length > 0) this.watcher.add(add)
    this.watched = new Set([...this.watched, ...wanted])
  }

  ready(): Promise<void> {
    return new Promise((resolve) => this.watcher.once('ready', () => resolve()))
  }

  async close(): Promise<void> {
    clearTimeout(this.timer)
    await this.watcher.close()
  }
}
