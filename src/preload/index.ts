/**
 * The preload bridge: a short, typed allow-list of engine calls and one event stream, exposed
 * to the page as `window.workbench`. The page never sees `ipcRenderer` or IPC event objects.
 * Runs sandboxed (no Node), so it is bundled into one CommonJS file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { EngineUiEvent, WorkbenchBridge } from '../shared/api'
import type { SourcePos } from '../shared/diagnostics'
import {
  callChannel,
  EVENT_CHANNEL,
  OPEN_IN_EDITOR_CHANNEL,
  PICK_FOLDER_CHANNEL,
  REVEAL_CHANNEL,
  type CallName,
  type IpcResult
} from './channels'

async function call<T>(
  name: CallName | typeof PICK_FOLDER_CHANNEL | typeof OPEN_IN_EDITOR_CHANNEL | typeof REVEAL_CHANNEL,
  ...args: unknown[]
): Promise<T> {
  const channel = name.includes(':') ? name : callChannel(name as CallName)
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>
  if (!result.ok) throw new Error(result.error)
  return result.value
}

const bridge: WorkbenchBridge = {
  listTraces: (opts) => call('listTraces', opts),
  getTrace: (id) => call('getTrace', id),
  clearTraces: () => call('clearTraces'),
  replay: (id) => call('replay', id),
  getConfigStatus: () => call('getConfigStatus'),
  reloadConfig: () => call('reloadConfig'),
  openConfig: (path) => call('openConfig', path),
  setRuntime: (settings) => call('setRuntime', settings),
  listCacheFolder: (farm, relPath) => call('listCacheFolder', farm, relPath),
  cacheTotals: (farm) => call('cacheTotals', farm),
  previewFlush: (farm, handle, action, resourceOnly) => call('previewFlush', farm, handle, action, resourceOnly),
  flush: (farm, handle, action, resourceOnly) => call('flush', farm, handle, action, resourceOnly),
  clearCacheFolder: (farm, relPath) => call('clearCacheFolder', farm, relPath),
  cachePath: (farm, relPath) => call('cachePath', farm, relPath),
  getRenders: () => call('getRenders'),
  onEvent(listener) {
    const forward = (_e: IpcRendererEvent, event: EngineUiEvent): void => listener(event)
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward)
    }
  },
  pickConfigFolder: () => call(PICK_FOLDER_CHANNEL),
  openInEditor: (pos: SourcePos) =>
    call(OPEN_IN_EDITOR_CHANNEL, { file: pos.file, line: pos.line, column: pos.column }),
  revealInFileManager: (farm, relPath) => call(REVEAL_CHANNEL, farm, relPath)
}

contextBridge.exposeInMainWorld('workbench', bridge)
