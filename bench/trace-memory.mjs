// What the request list costs the proxy: the heap each request's trace keeps while the ring holds
// it, for the same uncacheable 2 KB GET as proxy.mjs through the WKND and minimal configs, against
// the same requests with no ring (`serve --no-ui`). CPU per request cannot be compared reliably on
// this noisy VM; this figure is deterministic and is what drives it: every object a retained trace
// owns is copied by each young-generation collection it survives (session 12 and 13 notes).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import { BundleError, importTypeScript } from './lib/bundle.mjs'
import { WKND_CONFIG } from './lib/corpus.mjs'
import { envNumber } from './lib/options.mjs'
import { writeResult } from './lib/results.mjs'
import { fixed, formatTable } from './lib/table.mjs'
import { makeTempDir } from './lib/temp.mjs'
import { startUpstream } from './lib/upstream.mjs'

const REQUESTS = envNumber('BENCH_TRACE_REQUESTS', 3000)
const WARMUP = 300

v8.setFlagsFromString('--expose-gc')
const collect = vm.runInNewContext('gc')

/** Heap in use after full collections (two: weak references cleared by the first go in the second). */
function settledHeap() {
  collect()
  collect()
  return process.memoryUsage().heapUsed
}

function get(url, agent) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      })
      .on('error', reject)
  })
}

/** Heap kept per request after REQUESTS identical GETs through an in-process engine. */
async function keptPerRequest(Engine, { configDir, target, ringSize, upstream }) {
  const engine = new Engine({
    config: configDir,
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ringSize,
    docroot: makeTempDir('trace-memory-docroot-'),
    aem: { host: '127.0.0.1', port: upstream.port },
    env: { ...process.env, AEM_HOST: '127.0.0.1', AEM_PORT: String(upstream.port) }
  })
  const base = await engine.start()
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    let status = 0
    for (let i = 0; i < WARMUP; i++) status = await get(base + target, agent)
    if (status !== 200) throw new Error(`${target} answered ${status}, not 200`)
    const before = settledHeap()
    for (let i = 0; i < REQUESTS; i++) await get(base + target, agent)
    return (settledHeap() - before) / REQUESTS
  } finally {
    agent.destroy()
    await engine.stop()
  }
}

/** The classic dispatcher.any proxy.mjs measures as its minimal config. */
function minimalConfig() {
  const dir = makeTempDir('trace-memory-minimal-')
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms { /bench {
  /clientheaders { "*" }
  /virtualhosts { "*" }
  /renders { /0 { /hostname "\${AEM_HOST}" /port "\${AEM_PORT}" } }
  /filter { /0001 { /type "deny" /url "*" } /0002 { /type "allow" /method "GET" /path "/content/*" /extension "html" } }
} }
`
  )
  return dir
}

let Engine
try {
  ;({ Engine } = await importTypeScript('src/main/engine/engine.ts'))
} catch (err) {
  console.error(
    `trace-memory: the engine does not build, nothing measured.\n${err instanceof BundleError ? err.message : err}`
  )
  process.exit(1)
}
if (!fs.existsSync(WKND_CONFIG)) {
  console.error(`trace-memory: ${WKND_CONFIG} does not exist (set DW_CORPUS_DIR to the corpus folder)`)
  process.exit(1)
}

console.log(
  `Heap kept per request: ${REQUESTS} identical uncacheable 2 KB GETs, with the request list's ring (10,000) and without`
)
const upstream = await startUpstream({ bodyBytes: 2048 })
const rows = []
try {
  for (const c of [
    { name: 'WKND (AEMaaCS)', configDir: WKND_CONFIG, target: '/us/en/bench.html' },
    { name: 'minimal', configDir: minimalConfig(), target: '/content/bench/page.html' }
  ]) {
    const ring = await keptPerRequest(Engine, { ...c, ringSize: 10_000, upstream })
    const none = await keptPerRequest(Engine, { ...c, ringSize: 0, upstream })
    rows.push({ name: c.name, ring, none, trace: ring - none })
  }
} finally {
  await upstream.stop()
}

console.log(
  '\n' +
    formatTable(
      ['config', 'bytes/request, ring', 'bytes/request, no ring', 'a trace keeps'],
      rows.map((r) => [r.name, fixed(r.ring, 0), fixed(r.none, 0), `${fixed(r.trace, 0)} B`])
    )
)
const file = writeResult('trace-memory', { requests: REQUESTS, rows })
console.log(`\nResults: ${file}`)
