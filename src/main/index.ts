/**
 * The desktop app: a thin Electron shell around the engine. It starts the engine (with the
 * first-run fallbacks of headless/first-run.ts), opens one window on the renderer with the
 * preload bridge, and adds what only a desktop app can: a menu, a native folder picker,
 * "open in editor", "show in folder", and the window where the user left it.
 */
import { app, BrowserWindow, dialog, Menu, screen, session, shell, type MenuItemConstructorOptions } from 'electron'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SourcePos } from '../shared/diagnostics'
import { appOptions } from './headless/app-options'
import { startWorkbench, type Workbench } from './headless/first-run'
import { forwardEvents, registerIpc } from './ipc'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = path.join(here, '../renderer/index.html')

interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

const stateFile = (): string => path.join(app.getPath('userData'), 'window-state.json')

function readWindowState(): WindowState {
  const fallback: WindowState = { width: 1360, height: 860, maximized: false }
  try {
    const s = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as WindowState
    if (!(s.width >= 600 && s.height >= 400)) return fallback
    // A window saved on a screen that is no longer attached opens on the primary one.
    if (s.x !== undefined && s.y !== undefined) {
      const area = screen.getDisplayMatching({ x: s.x, y: s.y, width: s.width, height: s.height }).workArea
      const visible =
        s.x < area.x + area.width - 80 &&
        s.x + s.width > area.x + 80 &&
        s.y >= area.y - 20 &&
        s.y < area.y + area.height - 80
      if (!visible) return { ...s, x: undefined, y: undefined }
    }
    return s
  } catch {
    return fallback
  }
}

function saveWindowState(win: BrowserWindow): void {
  const b = win.getNormalBounds()
  const s: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() }
  try {
    fs.mkdirSync(path.dirname(stateFile()), { recursive: true })
    fs.writeFileSync(stateFile(), JSON.stringify(s))
  } catch {
    // Not worth failing a quit over.
  }
}

function isAppPage(url: string): boolean {
  if (rendererUrl) return url.startsWith(rendererUrl)
  try {
    return fileURLToPath(url.split(/[?#]/)[0]) === rendererFile
  } catch {
    return false
  }
}

function createWindow(wb: Workbench): BrowserWindow {
  const state = readWindowState()
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Dispatcher Workbench',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  win.on('close', () => saveWindowState(win))
  forwardEvents(wb.api, win.webContents)
  // Links (the proxy address) open in the user's browser; the app window never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppPage(url)) {
      e.preventDefault()
      if (/^(https?|vscode):/.test(url)) void shell.openExternal(url)
    }
  })
  if (rendererUrl) void win.loadURL(rendererUrl)
  else void win.loadFile(rendererFile)
  return win
}

async function pickConfigFolder(win: BrowserWindow | null): Promise<string | null> {
  const options = {
    title: 'Open a Dispatcher configuration',
    message: 'Choose a dispatcher/src folder, a folder with dispatcher.any, or the conf folder of a classic setup',
    properties: ['openDirectory' as const]
  }
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
}

/**
 * VS Code's URL opens the file at the line; where no editor claims vscode:// the file opens
 * with the system's default application. Only files of the loaded configuration are opened.
 */
async function openInEditor(wb: Workbench, pos: SourcePos): Promise<void> {
  const status = await wb.api.getConfigStatus()
  const known = status.files.some((f) => f.file === pos.file) || pos.file.startsWith(status.baseDir + path.sep)
  if (!known) throw new Error(`${pos.file} is not a file of the loaded configuration`)
  if (process.env.DW_EDITOR !== 'system') {
    try {
      await shell.openExternal(
        `vscode://file${pos.file.startsWith('/') ? '' : '/'}${pos.file}:${pos.line}:${pos.column}`
      )
      return
    } catch {
      // No handler for vscode:// — fall through to the default application.
    }
  }
  const error = await shell.openPath(pos.file)
  if (error) throw new Error(error)
}

function buildMenu(wb: Workbench, window: () => BrowserWindow | null): Menu {
  const openFolder = async (): Promise<void> => {
    const folder = await pickConfigFolder(window())
    if (folder) await wb.api.openConfig(folder)
  }
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Configuration Folder…', accelerator: 'CmdOrCtrl+O', click: () => void openFolder() },
        { label: 'Reload Configuration', accelerator: 'CmdOrCtrl+Shift+R', click: () => void wb.api.reloadConfig() },
        {
          label: 'Open the Proxy in the Browser',
          click: () => wb.engine.url && void shell.openExternal(wb.engine.url)
        },
        { type: 'separator' },
        { label: 'Clear Request Log', accelerator: 'CmdOrCtrl+K', click: () => void wb.api.clearTraces() },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' }
      ]
    },
    { role: 'windowMenu' }
  ]
  return Menu.buildFromTemplate(template)
}

async function main(): Promise<void> {
  await app.whenReady()
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  const wb = await startWorkbench(appOptions(process.argv.slice(app.isPackaged ? 1 : 2)))
  let win: BrowserWindow | null = null
  registerIpc(wb.api, {
    pickConfigFolder: () => pickConfigFolder(win),
    openInEditor: (pos) => openInEditor(wb, pos),
    showItemInFolder: (p) => shell.showItemInFolder(p),
    isTrusted: isAppPage
  })
  Menu.setApplicationMenu(buildMenu(wb, () => win))
  win = createWindow(wb)
  win.on('closed', () => (win = null))
  if (wb.notices.length > 0) {
    win.once('ready-to-show', () => {
      if (win)
        void dialog.showMessageBox(win, {
          type: 'info',
          message: 'Dispatcher Workbench',
          detail: wb.notices.join('\n\n')
        })
    })
  }
  let stopping = false
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (e) => {
    if (stopping) return
    e.preventDefault()
    stopping = true
    void wb.stop().finally(() => app.quit())
  })
}

main().catch((e: Error) => {
  dialog.showErrorBox('Dispatcher Workbench could not start', e.message)
  app.exit(1)
})
