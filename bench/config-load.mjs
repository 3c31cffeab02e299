// How long loading a real configuration takes next to merely reading its files from disk:
// loadConfig(dir) on the WKND and Dispatcher SDK configs (warm, median of rounds) against
// fs.readFileSync of the files it reports in `loaded.files`. Target: at most 5× the read time.
// Also prints where the load's time goes: reading, parsing and building the model; the AEMaaCS
// SDK validator's rules; the compile check (what only compiling for serving reveals).
import fs from 'node:fs'
import { BundleError, importTypeScript } from './lib/bundle.mjs'
import { SDK_CONFIG, WKND_CONFIG } from './lib/corpus.mjs'
import { busyWarning } from './lib/cpu.mjs'
import { envNumber } from './lib/options.mjs'
import { median } from './lib/stats.mjs'
import { fixed, formatTable } from './lib/table.mjs'
import { writeResult } from './lib/results.mjs'

const ROUNDS = envNumber('BENCH_ROUNDS', 5)
const ITERATIONS = envNumber('BENCH_LOAD_ITERATIONS', 20)
const TARGET_RATIO = 5
const LOADER = 'src/main/engine/config/load.ts'
const COMPILE_CHECK = 'src/main/engine/runtime/compile-check.ts'

const CONFIGS = [
  { name: 'WKND (AEMaaCS)', dir: WKND_CONFIG },
  { name: 'Dispatcher SDK', dir: SDK_CONFIG }
]

/** `prepare`: makes each call's input, untimed (a fresh loaded configuration, for the compile check). */
function msPerCall(fn, prepare = () => undefined) {
  let ns = 0n
  for (let i = 0; i < ITERATIONS; i++) {
    const input = prepare()
    const start = process.hrtime.bigint()
    fn(input)
    ns += process.hrtime.bigint() - start
  }
  return Number(ns) / 1e6 / ITERATIONS
}

/** Median over ROUNDS of the mean time of one call, after a warm-up round. */
function measure(fn, prepare) {
  msPerCall(fn, prepare)
  return median(Array.from({ length: ROUNDS }, () => msPerCall(fn, prepare)))
}

async function loadEngine() {
  try {
    const engine = await importTypeScript(LOADER)
    if (typeof engine.loadConfig !== 'function') throw new Error(`${LOADER} exports no loadConfig function`)
    const { compileDiagnostics } = await importTypeScript(COMPILE_CHECK)
    return { loadConfig: engine.loadConfig, compileDiagnostics }
  } catch (err) {
    const why = err instanceof BundleError ? err.message : `cannot import ${LOADER}: ${err.message}`
    console.error(`config-load: the config loader is not usable yet, nothing measured.\n${why}`)
    process.exit(1)
  }
}

function benchConfig(engine, { name, dir }) {
  if (!fs.existsSync(dir))
    return { name, dir, problem: `${dir} does not exist (set DW_CORPUS_DIR to the corpus folder)` }
  let loaded
  try {
    loaded = engine.loadConfig(dir)
  } catch (err) {
    return { name, dir, problem: `loadConfig threw ${err?.name ?? 'an error'}: ${err?.message ?? err}` }
  }
  const files = (Array.isArray(loaded?.files) ? loaded.files : []).filter((f) => fs.existsSync(f))
  if (files.length === 0) return { name, dir, problem: 'loadConfig reported no file read from disk (loaded.files)' }
  const errors = (loaded.diagnostics ?? []).filter((d) => d.severity === 'error').length
  const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0)
  const loadMs = measure(() => engine.loadConfig(dir))
  const readMs = measure(() => {
    for (const f of files) fs.readFileSync(f, 'utf8')
  })
  // Where a load's time goes: loadConfig without the SDK validator, and the compile check
  // (compileDiagnostics, the last step of loadConfig) on its own, each time on a configuration
  // loaded afresh (the compile check's memos by object would otherwise answer from the last
  // call); what is left is reading, parsing and building the model.
  const noSdkMs = measure(() => engine.loadConfig(dir, { sdkValidation: false }))
  const compileMs =
    typeof engine.compileDiagnostics === 'function'
      ? measure(
          (fresh) => engine.compileDiagnostics(fresh),
          () => engine.loadConfig(dir, { sdkValidation: false })
        )
      : NaN
  const phases = { parseMs: noSdkMs - compileMs, sdkMs: loadMs - noSdkMs, compileMs }
  return { name, dir, files: files.length, bytes, errors, loadMs, readMs, ratio: loadMs / readMs, phases }
}

const engine = await loadEngine()
console.log(`Config loading: loadConfig(dir) vs reading the same files, ${ROUNDS} rounds × ${ITERATIONS} calls, median`)
const busy = busyWarning()
if (busy) console.log(busy)
const results = CONFIGS.map((config) => benchConfig(engine, config))

const measured = results.filter((r) => !r.problem)
if (measured.length) {
  console.log(
    '\n' +
      formatTable(
        ['config', 'files', 'KiB', 'load ms', 'read ms', 'ratio', 'target', 'status'],
        measured.map((r) => [
          r.name,
          r.files,
          fixed(r.bytes / 1024, 1),
          fixed(r.loadMs, 3),
          fixed(r.readMs, 3),
          `${fixed(r.ratio, 1)}×`,
          `≤ ${TARGET_RATIO}×`,
          r.ratio <= TARGET_RATIO ? 'met' : 'MISSED'
        ])
      )
  )
  console.log('\nWhere the load time goes (each next to the read time):')
  console.log(
    formatTable(
      ['config', 'read + parse + model', 'SDK validator', 'compile check'],
      measured.map((r) => [
        r.name,
        ...[r.phases.parseMs, r.phases.sdkMs, r.phases.compileMs].map(
          (ms) => `${fixed(ms, 3)} ms (${fixed(ms / r.readMs, 1)}×)`
        )
      ])
    )
  )
  console.log()
  for (const r of measured) {
    console.log(
      `${r.name}: load ${fixed(r.loadMs, 3)} ms, read ${fixed(r.readMs, 3)} ms, ratio ${fixed(r.ratio, 1)}× (target ≤ ${TARGET_RATIO}×)`
    )
    if (r.errors) console.log(`  note: the load reported ${r.errors} error diagnostic(s)`)
  }
}
for (const r of results.filter((r) => r.problem)) console.error(`${r.name}: not measured: ${r.problem}`)

console.log(`\nResults: ${writeResult('config-load', { rounds: ROUNDS, iterations: ITERATIONS, results })}`)
if (measured.length < results.length) process.exitCode = 1
