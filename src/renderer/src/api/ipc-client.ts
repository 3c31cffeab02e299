/** EngineClient over the Electron preload bridge (`window.workbench`). */
import type { EngineUiEvent, WorkbenchBridge } from '../../../shared/api'
import type { ConnectionState, EngineClient } from './client'

export function createIpcClient(bridge: WorkbenchBridge): EngineClient {
  return {
    kind: 'electron',
    listTraces: (opts) => bridge.listTraces(opts),
    getTrace: (id) => bridge.getTrace(id),
    clearTraces: () => bridge.clearTraces(),
    replay: (id) => bridge.replay(id),
    getConfigStatus: () => bridge.getConfigStatus(),
    reloadConfig: () => bridge.reloadConfig(),
    openConfig: (path) => bridge.openConfig(path),
    setRuntime: (settings) => bridge.setRuntime(settings),
    listCacheFolder: (farm, relPath) => bridge.listCacheFolder(farm, relPath),
    cacheTotals: (farm) => bridge.cacheTotals(farm),
    previewFlush: (farm, handle, action, resourceOnly) => bridge.previewFlush(farm, handle, action, resourceOnly),
    flush: (farm, handle, action, resourceOnly) => bridge.flush(farm, handle, action, resourceOnly),
    clearCacheFolder: (farm, relPath) => bridge.clearCacheFolder(farm, relPath),
    cachePath: (farm, relPath) => bridge.cachePath(farm, relPath),
    getRenders: () => bridge.getRenders(),
    subscribe: (listener: (event: EngineUiEvent) => void) => bridge.onEvent(listener),
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open')
      return () => undefined
    },
    pickConfigFolder: () => bridge.pickConfigFolder(),
    openInEditor: (pos) => bridge.openInEditor(pos),
    revealInFileManager: (farm, relPath) => bridge.revealInFileManager(farm, relPath)
  }
}
