/**
 * Starts the real engine on 127.0.0.1 port 0 against a temporary configuration and counting
 * upstreams, and hands back one object to send requests through it, read the trace each
 * request left, and stop everything afterwards.
 */
import { onTestFinished } from 'vitest'
import { Engine, type EngineOptions } from '../../../src/main/engine/engine'
import type { RequestTrace } from '../../../src/shared/trace'
import { writeConfig, type TempConfig } from './config'
import { send, type Answer, type SendOptions } from './http-client'
import { startUpstream, type CountingUpstream } from './upstream'

export interface Stack {
  engine: Engine
  /** `http://127.0.0.1:<port>` of the engine's listener. */
  url: string
  port: number
  /** The upstreams by name. */
  up: Record<string, CountingUpstream>
  config?: TempConfig
  /** Sends a request through the listener and returns the answer with the trace it left. */
  send(target: string, opts?: SendOptions): Promise<Answer & { trace: RequestTrace }>
  /** The newest trace whose raw request target is `target`, waiting briefly for it to be published. */
  traceOf(target: string, after?: number): Promise<RequestTrace>
  /** How many traces the engine has published so far. */
  traceCount(): number
  stop(): Promise<void>
}

export interface StackOptions {
  /** Names of the counting upstreams to start. */
  upstreams?: string[]
  /** dispatcher.any text; a function receives the started upstreams (for their ports). */
  any?: string | ((up: Record<string, CountingUpstream>) => string)
  /** Other files to write next to dispatcher.any (relative paths); a function receives the upstreams. */
  files?: Record<string, string> | ((up: Record<string, CountingUpstream>) => Record<string, string>)
  /** A configuration folder to use instead of writing one; with neither, the embedded default configuration. */
  configDir?: string
  /** Engine options; a function receives the upstreams (e.g. for `aem` with the embedded configuration). */
  engine?: Partial<EngineOptions> | ((up: Record<string, CountingUpstream>) => Partial<EngineOptions>)
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const up: Record<string, CountingUpstream> = {}
  for (const name of opts.upstreams ?? []) up[name] = await startUpstream(name)
  const anyText = typeof opts.any === 'function' ? opts.any(up) : opts.any
  const files = typeof opts.files === 'function' ? opts.files(up) : opts.files
  const config = anyText !== undefined ? writeConfig(anyText, files) : undefined
  const extra = typeof opts.engine === 'function' ? opts.engine(up) : opts.engine
  const engine = new Engine({
    config: config?.dir ?? opts.configDir,
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ...extra
  })
  let url: string
  try {
    url = await engine.start()
  } catch (e) {
    await Promise.all(Object.values(up).map((u) => u.close()))
    config?.remove()
    throw e
  }
  const total = (): number => engine.traces.size + engine.traces.dropped

  async function traceOf(target: string, after = 0): Promise<RequestTrace> {
    const deadline = Date.now() + 2000
    for (;;) {
      const t = engine.traces.find((x) => x.request.url === target && x.seq > after)
      if (t) return t
      if (Date.now() > deadline) throw new Error(`no trace was published for ${target}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  return {
    engine,
    url,
    port: Number(new URL(url).port),
    up,
    config,
    traceCount: total,
    traceOf,
    async send(target, sendOpts) {
      const after = engine.traces.toArray().reduce((m, t) => Math.max(m, t.seq), 0)
      const answer = await send(url, target, sendOpts)
      return { ...answer, trace: await traceOf(target, after) }
    },
    async stop() {
      await engine.stop()
      await Promise.all(Object.values(up).map((u) => u.close()))
      config?.remove()
    }
  }
}

/** Starts a stack that is stopped when the current test finishes (call inside a test). */
export async function stackForThisTest(opts: StackOptions): Promise<Stack> {
  const stack = await startStack(opts)
  onTestFinished(() => stack.stop())
  return stack
}
