/**
 * `serve` started on a configuration with errors (a developer mid-edit): httpd would not start,
 * so the proxy port answers nothing, but the errors are printed, the files are watched, and the
 * proxy starts once an edit fixes them. With --no-watch there is nothing to wait for: exit 1.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startCli, runCli } from './support/cli'
import { embeddedConfigCopy } from './support/config'
import { send } from './support/http-client'
import { freePort } from './support/ports'

const FILTERS = 'conf.dispatcher.d/filters/filters.any'

/** Whether anything accepts a connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('serve on a configuration with errors', () => {
  it('prints the errors, leaves the proxy port unanswered, and starts the proxy once an edit fixes them', async () => {
    const dir = embeddedConfigCopy('dw-serve-broken-')
    const filters = path.join(dir, FILTERS)
    const good = fs.readFileSync(filters, 'utf8')
    fs.appendFileSync(filters, '\n/9999 { /type "allow" /url "/broken"\n')
    const port = await freePort()
    const cli = startCli(['serve', dir, '--port', String(port), '--no-ui', '--demo'])
    try {
      const m = await cli.waitFor(
        /^Configuration has 1 error\(s\); the proxy starts once an edit fixes them:\n {2}(.*)$/m
      )
      expect(m[1]).toMatch(/filters\.any:\d+:\d+: error ANY_UNCLOSED_BRACE /)
      expect(cli.output()).not.toContain('Proxy:')
      expect(await listening(port)).toBe(false)

      fs.writeFileSync(filters, good)
      const proxy = await cli.waitFor(/^Proxy: (http:\/\/\S+)$/m, 10_000)
      expect(proxy[1]).toBe(`http://127.0.0.1:${port}`)
      expect((await send(proxy[1], '/content/demo/us/en.html')).status).toBe(200)
    } finally {
      cli.child.kill('SIGTERM')
    }
    expect(await cli.exited).toBe(0)
  })

  it('stops cleanly (exit 0) on SIGTERM while it waits for a fix', async () => {
    const dir = embeddedConfigCopy('dw-serve-broken-')
    fs.appendFileSync(path.join(dir, FILTERS), '\n/9999 { /type "allow" /url "/broken"\n')
    const cli = startCli(['serve', dir, '--port', '0', '--no-ui'])
    await cli.waitFor(/^Configuration has 1 error\(s\)/m)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  it('a path that is no configuration (a typo, a folder without one) is said and exits at once, watching or not', async () => {
    const missing = path.join(embeddedConfigCopy('dw-serve-typo-'), 'no-such-folder')
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-serve-empty-'))
    onTestFinished(() => fs.rmSync(empty, { recursive: true, force: true }))
    for (const input of [missing, empty]) {
      const watching = await runCli(['serve', input, '--port', '0', '--no-ui'], 10_000)
      const notWatching = await runCli(['serve', input, '--port', '0', '--no-ui', '--no-watch'])
      expect(watching.stdout).not.toContain('the proxy starts once an edit fixes them')
      expect(watching.stderr).toContain(`dispatcher-workbench serve: ${input}`)
      expect(watching.code).not.toBe(0)
      expect({ code: watching.code, stderr: watching.stderr }).toEqual({
        code: notWatching.code,
        stderr: notWatching.stderr
      })
    }
  })

  it('with --no-watch it cannot wait: the errors, FAILED and exit 1 as before', async () => {
    const dir = embeddedConfigCopy('dw-serve-broken-')
    fs.appendFileSync(path.join(dir, FILTERS), '\n/9999 { /type "allow" /url "/broken"\n')
    const r = await runCli(['serve', dir, '--port', '0', '--no-ui', '--no-watch'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('ANY_UNCLOSED_BRACE')
    expect(r.stdout).toMatch(/^FAILED: configuration has 1 error\(s\)/m)
  })
})
