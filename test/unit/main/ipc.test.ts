/**
 * The Electron IPC handlers with `electron` replaced by a stand-in ipcMain: every allowed
 * channel reaches the EngineApi with checked arguments, untrusted frames are refused, and
 * errors come back wrapped with their code.
 */
import { describe, expect, it, vi } from 'vitest'
import type { EngineApi } from '../../../src/shared/api'

type Handler = (event: { senderFrame?: { url: string } }, ...args: unknown[]) => Promise<unknown>
const handlers = new Map<string, Handler>()

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel)
  }
}))

const { registerIpc } = await import('../../../src/main/ipc')
const { CALLS, callChannel, OPEN_IN_EDITOR_CHANNEL, REVEAL_CHANNEL } = await import('../../../src/preload/channels')

function fakeApi(): { api: EngineApi; calls: unknown[][] } {
  const calls: unknown[][] = []
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args])
      if (name === 'getTrace' && args[0] === 'missing')
        throw Object.assign(new Error('no such trace'), { code: 'TRACE_UNKNOWN' })
      if (name === 'cachePath') {
        if (String(args[1]).includes('..'))
          throw Object.assign(new Error('x-workbench: path escapes the docroot'), { code: 'BAD_REQUEST' })
        return `/srv/docroot${String(args[1])}`
      }
      return { from: name }
    }
  const api = Object.fromEntries(CALLS.map((n) => [n, record(n)])) as unknown as EngineApi
  return { api, calls }
}

const trusted = { senderFrame: { url: 'app://workbench/index.html' } }
const stranger = { senderFrame: { url: 'https://evil.example/' } }

describe('IPC handlers', () => {
  const { api, calls } = fakeApi()
  const opened: unknown[] = []
  const shown: string[] = []
  const unregister = registerIpc(api, {
    pickConfigFolder: async () => '/picked',
    openInEditor: async (pos) => void opened.push(pos),
    showItemInFolder: (path) => void shown.push(path),
    isTrusted: (url) => url.startsWith('app://workbench/')
  })

  it('registers one channel per EngineApi call, plus the native extras', () => {
    for (const name of CALLS) expect(handlers.has(callChannel(name))).toBe(true)
    expect(handlers.has(OPEN_IN_EDITOR_CHANNEL)).toBe(true)
    expect(handlers.has(REVEAL_CHANNEL)).toBe(true)
  })

  it('calls the API with the checked arguments and wraps the answer', async () => {
    const r = await handlers.get(callChannel('flush'))!(trusted, 'publishfarm', '/content/site/en', 'Activate')
    expect(r).toEqual({ ok: true, value: { from: 'flush' } })
    expect(calls.at(-1)).toEqual(['flush', 'publishfarm', '/content/site/en', 'Activate', false])
    await handlers.get(callChannel('flush'))!(trusted, 'publishfarm', '/content/site/en', 'Activate', true)
    expect(calls.at(-1)).toEqual(['flush', 'publishfarm', '/content/site/en', 'Activate', true])
  })

  it('refuses arguments of the wrong kind before they reach the engine', async () => {
    const before = calls.length
    const r = await handlers.get(callChannel('flush'))!(trusted, 'publishfarm', '/x', 'DropEverything')
    expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    const r1 = await handlers.get(callChannel('flush'))!(trusted, 'publishfarm', '/x', 'Activate', 'ResourceOnly')
    expect(r1).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    const r2 = await handlers.get(callChannel('listTraces'))!(trusted, { afterSeq: -1 })
    expect(r2).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(calls.length).toBe(before)
  })

  it('refuses every call from a frame that is not the app page', async () => {
    const r = await handlers.get(callChannel('getConfigStatus'))!(stranger)
    expect(r).toEqual({ ok: false, error: 'untrusted sender', code: 'FORBIDDEN' })
  })

  it("passes the engine's error message and code through", async () => {
    const r = await handlers.get(callChannel('getTrace'))!(trusted, 'missing')
    expect(r).toEqual({ ok: false, error: 'no such trace', code: 'TRACE_UNKNOWN' })
  })

  it('open in editor takes a file:line position', async () => {
    await handlers.get(OPEN_IN_EDITOR_CHANNEL)!(trusted, { file: '/cfg/filters.any', line: 12 })
    expect(opened).toEqual([{ file: '/cfg/filters.any', line: 12, column: 1 }])
  })

  it("show in folder hands the cached file's absolute path, resolved by the engine, to shell.showItemInFolder", async () => {
    const r = await handlers.get(REVEAL_CHANNEL)!(trusted, 'publishfarm', '/content/site/en.html')
    expect(r).toEqual({ ok: true, value: { opened: true, path: '/srv/docroot/content/site/en.html' } })
    expect(shown).toEqual(['/srv/docroot/content/site/en.html'])
    expect(calls.at(-1)).toEqual(['cachePath', 'publishfarm', '/content/site/en.html'])
  })

  it('show in folder opens nothing for a path the engine refuses, an argument of the wrong kind, or a stranger', async () => {
    const before = shown.length
    const escaping = await handlers.get(REVEAL_CHANNEL)!(trusted, 'publishfarm', '/../../etc/passwd')
    expect(escaping).toEqual({ ok: false, error: 'x-workbench: path escapes the docroot', code: 'BAD_REQUEST' })
    expect(await handlers.get(REVEAL_CHANNEL)!(trusted, 'publishfarm', 42)).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST'
    })
    expect(await handlers.get(REVEAL_CHANNEL)!(stranger, 'publishfarm', '/content')).toEqual({
      ok: false,
      error: 'untrusted sender',
      code: 'FORBIDDEN'
    })
    expect(shown.length).toBe(before)
  })

  it('removes every handler when unregistered', () => {
    unregister()
    expect(handlers.size).toBe(0)
  })
})
