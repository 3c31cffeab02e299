/**
 * Runs the real `serve` command (bin/dispatcher-workbench.mjs) against the demo render, on
 * free loopback ports, with a copy of the embedded default configuration the test may edit
 * and a docroot of its own. Reads the `Proxy:` and `UI:` lines it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface Served {
  proxy: string
  ui: string
  configDir: string
  docroot: string
  output: string[]
  stop(): Promise<void>
}

/** Builds the CLI bundle and the renderer if their sources changed (the first run takes a few seconds). */
export async function prepareBuilds(): Promise<void> {
  const cli = (await import(pathToFileURL(path.join(root, 'scripts/build-cli.mjs')).href)) as {
    ensureCliBuilt(): Promise<void>
  }
  await cli.ensureCliBuilt()
  const renderer = (await import(pathToFileURL(path.join(root, 'scripts/build-renderer.mjs')).href)) as {
    ensureRendererBuilt(o: { quiet: boolean }): Promise<boolean>
  }
  await renderer.ensureRendererBuilt({ quiet: true })
}

export async function serve(): Promise<Served> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-e2e-'))
  const configDir = path.join(work, 'config')
  const docroot = path.join(work, 'docroot')
  fs.cpSync(path.join(root, 'resources/default-config'), configDir, { recursive: true })
  fs.mkdirSync(docroot)
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(root, 'bin/dispatcher-workbench.mjs'),
      'serve',
      configDir,
      '--demo',
      '--port',
      '0',
      '--ui-port',
      '0',
      '--docroot',
      docroot
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const output: string[] = []
  const lines = new Promise<{ proxy: string; ui: string }>((resolve, reject) => {
    let proxy = ''
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) output.push(line)
        if (line.startsWith('Proxy: ')) proxy = line.slice(7).trim()
        if (line.startsWith('UI: ')) resolve({ proxy, ui: line.slice(4).trim() })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')))
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output.join('\n')}`)))
    setTimeout(() => reject(new Error(`serve did not print its UI address:\n${output.join('\n')}`)), 30_000).unref()
  })
  const { proxy, ui } = await lines
  return {
    proxy,
    ui,
    configDir,
    docroot,
    output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(work, { recursive: true, force: true })
    }
  }
}

/** One GET through the proxy (a new connection each time unless an agent is given). */
export function get(base: string, target: string, agent?: http.Agent): Promise<number> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: target, agent: agent ?? false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}
