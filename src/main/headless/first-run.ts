/**
 * Starting the engine the way a newcomer expects, for the desktop app: the embedded default
 * configuration when none is chosen, the built-in demo site when nothing answers on the publish
 * port, the embedded default again when the chosen configuration has errors, and another port
 * when 8080 is taken. Every fallback is reported as a notice to show the user.
 */
import net from 'node:net'
import { formatDiagnostic } from '../../shared/diagnostics'
import { startDemoRender, type DemoRender } from '../engine/demo/render'
import { ConfigError, Engine, type EngineOptions } from '../engine/engine'
import { LocalEngineApi } from '../engine/engine-api'
import { errorCode } from '../engine/http/error-code'

export interface WorkbenchOptions extends EngineOptions {
  /** Where a local AEM publish answers (default localhost:4503). */
  publish?: { host: string; port: number }
}

export interface Workbench {
  engine: Engine
  api: LocalEngineApi
  demo?: DemoRender
  notices: string[]
  stop(): Promise<void>
}

/** Whether something accepts TCP connections there within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export async function startWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const notices: string[] = []
  const publish = opts.publish ?? { host: 'localhost', port: 4503 }
  let demo: DemoRender | undefined
  const engineOpts: EngineOptions = { host: '127.0.0.1', port: 8080, ...opts }
  if (!opts.config && !opts.aem && !(await answers(publish.host, publish.port))) {
    demo = await startDemoRender()
    engineOpts.aem = { host: '127.0.0.1', port: demo.port }
    notices.push(
      `Nothing answers on ${publish.host}:${publish.port}: the built-in demo site serves as the publish render (${demo.url}).`
    )
  }
  const engine = new Engine(engineOpts)
  try {
    engine.load()
  } catch (e) {
    if (!(e instanceof ConfigError) || !engine.opts.config) throw e
    notices.push(
      `${engine.opts.config} has errors; the embedded default configuration is used instead:\n` +
        e.diagnostics.map((d) => formatDiagnostic(d)).join('\n')
    )
    engine.opts.config = undefined
    engine.load()
  }
  try {
    await engine.start()
  } catch (e) {
    if (errorCode(e) !== 'EADDRINUSE') throw e
    notices.push(`Port ${engineOpts.port} is in use; the proxy listens on another port (see the top bar).`)
    engine.opts.port = 0
    await engine.start()
  }
  return {
    engine,
    api: new LocalEngineApi(engine),
    demo,
    notices,
    stop: async () => {
      await engine.stop()
      await demo?.close()
    }
  }
}
