/**
 * IPC handlers: each allowed channel calls one EngineApi method with arguments checked first;
 * calls from any frame other than the app's own page are refused. Engine events are pushed to
 * the window on one channel.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { EngineApi, RevealResult, RuntimeSettings } from '../shared/api'
import type { SourcePos } from '../shared/diagnostics'
import { BadArgument, callFailure, flushAction, nonEmptyString, resourceOnly } from './call-arguments'
import {
  callChannel,
  CALLS,
  EVENT_CHANNEL,
  OPEN_IN_EDITOR_CHANNEL,
  PICK_FOLDER_CHANNEL,
  REVEAL_CHANNEL,
  type CallName,
  type IpcResult
} from '../preload/channels'

export interface ShellExtras {
  pickConfigFolder(): Promise<string | null>
  openInEditor(pos: SourcePos): Promise<void>
  /** Electron's `shell.showItemInFolder`: the OS file manager with the item selected. */
  showItemInFolder(path: string): void
  /** The app's own page: calls from anything else are refused. */
  isTrusted(senderUrl: string): boolean
}

function listOptions(v: unknown): { afterSeq?: number; limit?: number } {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object') throw new BadArgument('listTraces expects an options object')
  const o = v as Record<string, unknown>
  const int = (x: unknown, name: string): number | undefined => {
    if (x === undefined) return undefined
    if (!Number.isInteger(x) || (x as number) < 0) throw new BadArgument(`${name} must be a non-negative integer`)
    return x as number
  }
  return { afterSeq: int(o.afterSeq, 'afterSeq'), limit: int(o.limit, 'limit') }
}

function sourcePos(v: unknown): SourcePos {
  const o = (v ?? {}) as Record<string, unknown>
  if (typeof o.file !== 'string' || !Number.isInteger(o.line))
    throw new BadArgument('openInEditor expects { file, line, column }')
  return { file: o.file, line: o.line as number, column: Number.isInteger(o.column) ? (o.column as number) : 1 }
}

/** The settings object as sent; LocalEngineApi.setRuntime checks each value. */
function runtimeSettings(v: unknown): Partial<RuntimeSettings> {
  if (v === null || typeof v !== 'object') throw new BadArgument('setRuntime expects a settings object')
  return v as Partial<RuntimeSettings>
}

const DISPATCH: Record<CallName, (api: EngineApi, args: unknown[]) => Promise<unknown>> = {
  listTraces: (api, [o]) => api.listTraces(listOptions(o)),
  getTrace: (api, [id]) => api.getTrace(nonEmptyString(id, 'id')),
  clearTraces: (api) => api.clearTraces(),
  replay: (api, [id]) => api.replay(nonEmptyString(id, 'id')),
  getConfigStatus: (api) => api.getConfigStatus(),
  reloadConfig: (api) => api.reloadConfig(),
  openConfig: (api, [p]) => api.openConfig(nonEmptyString(p, 'path')),
  setRuntime: (api, [settings]) => api.setRuntime(runtimeSettings(settings)),
  listCacheFolder: (api, [farm, rel]) =>
    api.listCacheFolder(nonEmptyString(farm, 'farm'), nonEmptyString(rel, 'relPath')),
  cacheTotals: (api, [farm]) => api.cacheTotals(nonEmptyString(farm, 'farm')),
  previewFlush: (api, [farm, handle, a, scope]) =>
    api.previewFlush(
      nonEmptyString(farm, 'farm'),
      nonEmptyString(handle, 'handle'),
      flushAction(a),
      resourceOnly(scope)
    ),
  flush: (api, [farm, handle, a, scope]) =>
    api.flush(nonEmptyString(farm, 'farm'), nonEmptyString(handle, 'handle'), flushAction(a), resourceOnly(scope)),
  clearCacheFolder: (api, [farm, rel]) =>
    api.clearCacheFolder(nonEmptyString(farm, 'farm'), nonEmptyString(rel, 'relPath')),
  cachePath: (api, [farm, rel]) => api.cachePath(nonEmptyString(farm, 'farm'), nonEmptyString(rel, 'relPath')),
  getRenders: (api) => api.getRenders()
}

async function wrap(
  event: IpcMainInvokeEvent,
  extras: ShellExtras,
  run: () => Promise<unknown>
): Promise<IpcResult<unknown>> {
  if (!extras.isTrusted(event.senderFrame?.url ?? ''))
    return { ok: false, error: 'untrusted sender', code: 'FORBIDDEN' }
  try {
    return { ok: true, value: await run() }
  } catch (e) {
    return { ok: false, ...callFailure(e) }
  }
}

/** Only paths inside the farm's docroot are shown; Electron reports no failure, so the answer is always "opened". */
async function reveal(api: EngineApi, extras: ShellExtras, farm: string, relPath: string): Promise<RevealResult> {
  const abs = await api.cachePath(farm, relPath)
  extras.showItemInFolder(abs)
  return { opened: true, path: abs }
}

/** Registers every handler; returns a function that removes them. */
export function registerIpc(api: EngineApi, extras: ShellExtras): () => void {
  for (const name of CALLS) {
    ipcMain.handle(callChannel(name), (event, ...args: unknown[]) =>
      wrap(event, extras, () => DISPATCH[name](api, args))
    )
  }
  ipcMain.handle(PICK_FOLDER_CHANNEL, (event) => wrap(event, extras, () => extras.pickConfigFolder()))
  ipcMain.handle(OPEN_IN_EDITOR_CHANNEL, (event, pos: unknown) =>
    wrap(event, extras, () => extras.openInEditor(sourcePos(pos)))
  )
  ipcMain.handle(REVEAL_CHANNEL, (event, farm: unknown, rel: unknown) =>
    wrap(event, extras, () => reveal(api, extras, nonEmptyString(farm, 'farm'), nonEmptyString(rel, 'relPath')))
  )
  return () => {
    for (const name of CALLS) ipcMain.removeHandler(callChannel(name))
    ipcMain.removeHandler(PICK_FOLDER_CHANNEL)
    ipcMain.removeHandler(OPEN_IN_EDITOR_CHANNEL)
    ipcMain.removeHandler(REVEAL_CHANNEL)
  }
}

/** Forwards the engine's batched UI events to a window while it exists. */
export function forwardEvents(api: EngineApi, contents: WebContents): () => void {
  const unsubscribe = api.subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event)
  })
  contents.once('destroyed', unsubscribe)
  return unsubscribe
}
