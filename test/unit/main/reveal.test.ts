/**
 * "Show in folder" for the browser UI, with stand-in `xdg-open` launchers on PATH: the folder
 * given to the launcher, and every way it can fail coming back as `{ opened: false, reason }`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fileManagerCommand, revealInFileManager } from '../../../src/main/headless/reveal'

let work: string
let docroot: string
let bin: string
const savedPath = process.env.PATH

function launcher(script: string): void {
  fs.rmSync(bin, { recursive: true, force: true })
  fs.mkdirSync(bin)
  fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
  process.env.PATH = `${bin}${path.delimiter}${savedPath}`
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-reveal-'))
  docroot = path.join(work, 'docroot')
  bin = path.join(work, 'bin')
  fs.mkdirSync(path.join(docroot, 'content/site'), { recursive: true })
  fs.writeFileSync(path.join(docroot, 'content/site/en.html'), '<p>cached</p>')
})

afterEach(() => {
  process.env.PATH = savedPath
})

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe.skipIf(process.platform === 'win32')('show in folder on Linux (xdg-open)', () => {
  const args = (): string => path.join(work, 'args')

  it('a cached file opens the folder holding it (xdg-open cannot select a file)', async () => {
    launcher(`printf '%s\\n' "$@" > '${args()}'`)
    const file = path.join(docroot, 'content/site/en.html')
    expect(await revealInFileManager(file, { platform: 'linux' })).toEqual({ opened: true, path: file })
    expect(fs.readFileSync(args(), 'utf8')).toBe(`${path.join(docroot, 'content/site')}\n`)
  })

  it('a cached folder opens that folder', async () => {
    launcher(`printf '%s\\n' "$@" > '${args()}'`)
    const dir = path.join(docroot, 'content')
    expect(await revealInFileManager(dir, { platform: 'linux' })).toEqual({ opened: true, path: dir })
    expect(fs.readFileSync(args(), 'utf8')).toBe(`${dir}\n`)
  })

  it('xdg-open failing at once (exit 3: no file manager on this desktop) is answered opened: false with why', async () => {
    launcher('exit 3')
    const dir = path.join(docroot, 'content')
    expect(await revealInFileManager(dir, { platform: 'linux' })).toEqual({
      opened: false,
      path: dir,
      reason: 'xdg-open found no application to open folders with (no desktop file manager?)'
    })
  })

  it('a launcher still running after the wait counts as opened', async () => {
    launcher('sleep 0.5')
    const dir = path.join(docroot, 'content')
    expect(await revealInFileManager(dir, { platform: 'linux', earlyExitMs: 100 })).toEqual({ opened: true, path: dir })
  })

  it('without xdg-open installed the answer is opened: false, not an error', async () => {
    fs.rmSync(bin, { recursive: true, force: true })
    fs.mkdirSync(bin)
    process.env.PATH = bin
    const dir = path.join(docroot, 'content')
    expect(await revealInFileManager(dir, { platform: 'linux' })).toEqual({
      opened: false,
      path: dir,
      reason: 'xdg-open is not installed'
    })
  })

  it('a path no longer on disk is not handed to any launcher', async () => {
    launcher(`printf '%s\\n' "$@" > '${args()}'`)
    fs.rmSync(args(), { force: true })
    const gone = path.join(docroot, 'content/site/gone.html')
    expect(await revealInFileManager(gone, { platform: 'linux' })).toEqual({
      opened: false,
      path: gone,
      reason: 'it is no longer in the cache'
    })
    expect(fs.existsSync(args())).toBe(false)
  })
})

describe('the file manager command of each system', () => {
  it('macOS reveals the item with open -R; Windows selects it with explorer /select,"path"', () => {
    expect(fileManagerCommand('/srv/docroot/a b.html', false, 'darwin')).toEqual({
      command: 'open',
      args: ['-R', '/srv/docroot/a b.html'],
      verbatim: false
    })
    expect(fileManagerCommand('C:\\docroot\\a b.html', false, 'win32')).toEqual({
      command: 'explorer',
      args: ['/select,"C:\\docroot\\a b.html"'],
      verbatim: true
    })
  })
})
