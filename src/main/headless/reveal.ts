/**
 * "Show in folder" for the browser UI. The headless server listens on loopback only, so the
 * browser that asks runs on this machine, and the file manager to open is this machine's.
 * Nothing here throws: when no file manager can be started the answer says why, and the UI
 * shows the path for the user to open by hand.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { RevealResult } from '../../shared/api'

export interface RevealOptions {
  platform?: NodeJS.Platform
  /**
   * How long to wait for the launcher to fail on its own (default 1,000 ms): xdg-open exits at
   * once with a code when the desktop has no file manager, but may stay running when it has one.
   */
  earlyExitMs?: number
}

export interface FileManagerCommand {
  command: string
  args: string[]
  /** Windows only: `explorer` wants `/select,"path"` exactly, not Node's quoting of the whole argument. */
  verbatim: boolean
}

/** xdg-open's documented exit codes (xdg-utils). */
const XDG_OPEN_EXIT: Record<number, string> = {
  1: 'xdg-open rejected its arguments',
  2: 'xdg-open did not find the path',
  3: 'xdg-open found no application to open folders with (no desktop file manager?)',
  4: 'xdg-open could not open a file manager'
}

export function fileManagerCommand(abs: string, isDir: boolean, platform: NodeJS.Platform): FileManagerCommand {
  if (platform === 'darwin') return { command: 'open', args: ['-R', abs], verbatim: false }
  if (platform === 'win32') return { command: 'explorer', args: [`/select,"${abs}"`], verbatim: true }
  // xdg-open cannot select an item: it opens the folder holding a file, or the folder itself.
  return { command: 'xdg-open', args: [isDir ? abs : path.dirname(abs)], verbatim: false }
}

export function revealInFileManager(abs: string, opts: RevealOptions = {}): Promise<RevealResult> {
  const platform = opts.platform ?? process.platform
  let isDir: boolean
  try {
    isDir = fs.statSync(abs).isDirectory()
  } catch {
    return Promise.resolve({ opened: false, path: abs, reason: 'it is no longer in the cache' })
  }
  const { command, args, verbatim } = fileManagerCommand(abs, isDir, platform)
  return new Promise((resolve) => {
    let settled = false
    const settle = (reason?: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.unref()
      resolve(reason === undefined ? { opened: true, path: abs } : { opened: false, path: abs, reason })
    }
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsVerbatimArguments: verbatim })
    const timer = setTimeout(() => settle(), opts.earlyExitMs ?? 1000)
    child.once('error', (e: NodeJS.ErrnoException) =>
      settle(e.code === 'ENOENT' ? `${command} is not installed` : `${command} could not be started: ${e.message}`)
    )
    child.once('exit', (code, signal) => {
      // explorer exits with 1 even when it opened the window.
      if (code === 0 || platform === 'win32') return settle()
      if (code === null) return settle(`${command} was ended by ${signal}`)
      settle((command === 'xdg-open' && XDG_OPEN_EXIT[code]) || `${command} exited with code ${code}`)
    })
  })
}
