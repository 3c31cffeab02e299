/**
 * `serve [config]`: the proxy without Electron. Prints `Proxy: http://…` once listening, then
 * `UI: http://127.0.0.1:N/?token=…` (the app's UI for a browser, on a random loopback port unless
 * `--ui-port` names one; `--no-ui` leaves it out). SIGINT/SIGTERM stop it cleanly. `--demo`
 * starts the built-in demo publish render and points the configuration at it (AEM_HOST/AEM_PORT,
 * as the SDK's docker_run does with its argument).
 */
import { parseArgs } from 'node:util'
import { formatDiagnostic, type Diagnostic } from '../shared/diagnostics'
import { startDemoRender, type DemoRender } from '../main/engine/demo/render'
import { Engine } from '../main/engine/engine'
import { missingDocroots } from '../main/engine/runtime/cache-runtime'
import { LocalEngineApi } from '../main/engine/engine-api'
import { startHeadlessServer, type HeadlessServer } from '../main/headless/server'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'
import { displayPath } from './check'
import { unreachableRenderWarnings } from './render-warnings'
import { demoSiteWarning } from './demo-site-warning'
import { loadOrReport } from './load-or-report'

export async function serveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      demo: { type: 'boolean' },
      'no-watch': { type: 'boolean' },
      'ui-port': { type: 'string' },
      'no-ui': { type: 'boolean' },
      'allow-self-signed': { type: 'boolean' },
      ...RUNTIME_OPTIONS
    }
  })
  if (positionals.length > 1) throw new UsageError('serve takes at most one <config>')
  const port = values.port === undefined ? 8080 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port expects 0-65535, got "${values.port}"`)
  const uiPort = values['ui-port'] === undefined ? 0 : Number(values['ui-port'])
  if (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535)
    throw new UsageError(`--ui-port expects 0-65535, got "${values['ui-port']}"`)
  const runtime = runtimeOptions(values)

  // Handlers first: a SIGINT/SIGTERM that comes while the demo render, the listener or the UI
  // is still starting (a script that stops it on the first line it reads) would otherwise meet
  // Node's default action and kill the process without closing anything.
  const signal = stopSignal()
  try {
    let demo: DemoRender | undefined
    if (values.demo) {
      demo = await startDemoRender()
      runtime.aem = { host: '127.0.0.1', port: demo.port }
      out(`Demo render: ${demo.url}`)
    }
    const engine = new Engine({
      ...runtime,
      config: positionals[0],
      host: values.host ?? '127.0.0.1',
      port,
      allowSelfSigned: values['allow-self-signed'],
      watch: !values['no-watch'],
      // Without the UI nothing can ever read a kept trace: keeping 10,000 of them would only cost
      // memory and garbage-collector time on every request.
      ringSize: values['no-ui'] ? 0 : undefined
    })
    // What the watcher cannot watch (a symlink loop, a folder it may not read), once each, from
    // the start: also while a configuration with errors waits for its fix.
    engine.events.subscribe((e) => {
      if (e.type === 'watch')
        out(`Warning: not watched, edits there do not reload: ${displayPath(e.problem.path)} (${e.problem.message})`)
    })
    // A configuration with errors: httpd would not start, so neither does the proxy (its port
    // answers nothing, as no server listens there), but with the watcher on, the errors are
    // printed and serve starts once an edit fixes them. --no-watch has nothing to wait for.
    const good = values['no-watch']
      ? loadOrReport(engine, out)
      : await engine.loadWhenGood((errors, warnings) => {
          out(`Configuration has ${errors.length} error(s); the proxy starts once an edit fixes them:`)
          // With the warnings in the same files, which often explain the errors (an include that
          // found nothing); `check` lists the rest.
          const files = new Set(errors.map((d) => d.pos?.file))
          const near = warnings.filter((d) => d.pos && files.has(d.pos.file))
          for (const d of [...errors, ...near]) out(`  ${formatDiagnostic(d, displayPath)}`)
        }, signal.received)
    if (!good) {
      await demo?.close()
      return values['no-watch'] ? 1 : 0
    }
    // The warnings the last loaded configuration had: a reload prints those it adds, so an edit
    // that brings one (a pitfall, an immutable SDK file changed) says so where the edit is
    // watched, not only as a changed count. A warning is known by its file, code and message:
    // lines moved by an edit above it do not make it new.
    let knownWarnings = new Set(warnings(engine.active.loaded.diagnostics).map(warningKey))
    engine.events.subscribe((e) => {
      if (e.type !== 'config') return
      if (e.ok) {
        const added = warnings(e.warnings).filter((d) => !knownWarnings.has(warningKey(d)))
        knownWarnings = new Set(warnings(e.warnings).map(warningKey))
        out(
          `Configuration reloaded (generation ${e.generation}, ${e.warnings.length} warning(s))${added.length > 0 ? ', new:' : ''}`
        )
        for (const d of added) out(`  ${formatDiagnostic(d, displayPath)}`)
        warnMissingDocroots(engine, out)
      } else {
        out(`Configuration NOT reloaded, the previous one keeps serving:`)
        for (const d of e.errors) out(`  ${formatDiagnostic(d, displayPath)}`)
        // Its warnings the serving configuration does not have: often what explains the errors.
        if (e.warnings.length > 0) out(`  with warning(s) of the refused configuration:`)
        for (const d of e.warnings) out(`  ${formatDiagnostic(d, displayPath)}`)
      }
    })
    let url: string
    try {
      url = await engine.start()
    } catch (e) {
      await demo?.close()
      await engine.stop()
      throw new UsageError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(e as Error).message}`)
    }
    const cfg = engine.active.loaded
    out(
      `Configuration: ${displayPath(cfg.anyFile)} (${cfg.layout}), farms: ${cfg.dispatcher.farms.map((f) => f.name).join(', ')}`
    )
    const count = warnings(cfg.diagnostics).length
    // The reload line gives the same count; at start the warnings are not listed (a large
    // configuration has dozens), so say which command lists them, with the same runtime options.
    if (count > 0) out(`${count} warning(s): run \`${checkCommand(cfg.input, values)}\` to see them`)
    warnMissingDocroots(engine, out)
    out(`Proxy: ${url}`)
    let ui: HeadlessServer | undefined
    if (!values['no-ui']) {
      try {
        ui = await startHeadlessServer({ api: new LocalEngineApi(engine), port: uiPort })
      } catch (e) {
        await Promise.all([engine.stop(), demo?.close()])
        throw new UsageError(`cannot listen on 127.0.0.1:${uiPort} for the UI: ${(e as Error).message}`)
      }
      out(`UI: ${ui.uiUrl}`)
    }
    // Start-up advice only: a failure in working it out must not end the server (an unhandled
    // rejection would), so it is said and serving goes on.
    const advise = (lines: Promise<string[]>): void => {
      lines.then(
        (ls) => ls.forEach((line) => out(line)),
        (e: Error) => out(`(the start-up checks could not finish: ${e.message})`)
      )
    }
    if (!demo)
      advise(
        engine
          .reachabilityProbed()
          .then(() => unreachableRenderWarnings(engine.active.farms, engine.active.loaded.variables))
      )
    else advise(demoSiteWarning(engine, demo.url, url).then((line) => (line ? [line] : [])))

    await signal.received
    await Promise.all([ui?.close(), engine.stop(), demo?.close()])
    return 0
  } finally {
    signal.dispose()
  }
}

/** Resolves on the first SIGINT or SIGTERM; later ones are ignored while everything closes. */
function stopSignal(): { received: Promise<void>; dispose: () => void } {
  let resolve!: () => void
  const received = new Promise<void>((r) => (resolve = r))
  const onSignal = (): void => resolve()
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    received,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

/**
 * A farm whose docroot does not exist caches nothing, and each request only says "not
 * cacheable: document root non-existent": said once at start (and after a reload), with the
 * folder and why, since the usual cause is a layout that puts its docroot below the given one
 * (AMS: PUBLISH_DOCROOT is DIR/html) or a `/docroot` written for another machine.
 */
function warnMissingDocroots(engine: Engine, out: (s: string) => void): void {
  for (const m of missingDocroots(engine.active.farms)) {
    out(
      `Warning: farm /${m.farm} caches nothing: its /docroot ${m.docroot} does not exist ("not cacheable: document root non-existent"). ` +
        `The workbench creates docroots only inside its cache folder ${engine.docroot} (when that exists); ` +
        `create ${m.docroot} and it is used from the next request, without a reload.`
    )
  }
}

/** The `check` command that lists this configuration's warnings: its folder and the runtime options given to `serve`. */
function checkCommand(
  input: string,
  values: Partial<Record<keyof typeof RUNTIME_OPTIONS, string | string[] | boolean>>
): string {
  const words = ['dispatcher-workbench', 'check', input]
  for (const name of Object.keys(RUNTIME_OPTIONS) as (keyof typeof RUNTIME_OPTIONS)[]) {
    const given = values[name]
    if (given === true) words.push(`--${name}`)
    else if (given !== undefined && given !== false)
      for (const value of Array.isArray(given) ? given : [given]) words.push(`--${name}`, value)
  }
  return words.map(shellWord).join(' ')
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
}

function warnings(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'warning')
}

function warningKey(d: Diagnostic): string {
  return `${d.pos?.file ?? ''}\0${d.code}\0${d.message}`
}
