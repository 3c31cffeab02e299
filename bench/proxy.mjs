// Proxy overhead: one uncacheable 2 KB GET, measured with the same wrk settings through
// (a) the upstream directly, (b) Apache mod_proxy, (c) nginx proxy_pass, both keeping upstream
// connections alive, (d) a bare undici stream proxy (node:http + one undici Pool: the floor for
// anything built on Node and undici), and (e) `dispatcher-workbench serve`, with a minimal
// classic config and with the WKND AEMaaCS config. Targets: ≥ 1.0× Apache's req/s, ≤ 0.2 ms
// added p50 over direct at one connection.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { apacheVersion, startApache } from './lib/apache.mjs'
import { startBareUndici } from './lib/bare-undici.mjs'
import { WKND_CONFIG } from './lib/corpus.mjs'
import { busyWarning, describePinning } from './lib/cpu.mjs'
import { nginxVersion, startNginx } from './lib/nginx.mjs'
import { envNumber } from './lib/options.mjs'
import { ensurePackages } from './lib/packages.mjs'
import { writeResult } from './lib/results.mjs'
import { median } from './lib/stats.mjs'
import { fixed, formatTable } from './lib/table.mjs'
import { makeTempDir } from './lib/temp.mjs'
import { startUpstream } from './lib/upstream.mjs'
import { startWorkbench } from './lib/workbench.mjs'
import { runWrk } from './lib/wrk.mjs'

const ROUNDS = envNumber('BENCH_ROUNDS', 3)
const DURATION_SEC = envNumber('BENCH_DURATION_SEC', 5)
const WARMUP_SEC = envNumber('BENCH_WARMUP_SEC', 1)
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 32)
const BODY_BYTES = 2048
const TARGET_VS_APACHE = 1.0
const TARGET_ADDED_P50_MS = 0.2

const PATH = '/content/bench/page.html'
// WKND's rewrite rules map /us/en/… to /content/wknd/us/en/… (PT), which its filters allow.
const WKND_PATH = '/us/en/bench.html'

const SCENARIOS = [
  { key: 'latency', connections: 1 },
  { key: 'throughput', connections: CONNECTIONS }
]

/** A classic dispatcher.any: one farm, every host, one render, ten filter rules allowing PATH, no /cache. */
function writeMinimalConfig(dir) {
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms {
  /bench {
    /clientheaders { "*" }
    /virtualhosts { "*" }
    /renders {
      /0 { /hostname "\${AEM_HOST}" /port "\${AEM_PORT}" }
    }
    /filter {
      /0001 { /type "deny" /url "*" }
      /0002 { /type "allow" /method "GET" /path "/content/*" /extension '(html|json)' }
      /0003 { /type "allow" /method "GET" /url "/etc.clientlibs/*" }
      /0004 { /type "allow" /method "GET" /path "/content/dam/*" /extension '(css|js|png|jpg|svg|woff2)' }
      /0005 { /type "deny" /selectors '(feed|rss|pages|languages|blueprint|infinity|tidy|sysview|docview|query|[0-9-]+)' /extension '(json|xml|html)' }
      /0006 { /type "deny" /query "debug=*" }
      /0007 { /type "deny" /query "wcmmode=*" }
      /0008 { /type "allow" /method "POST" /url "/content/*.form.html" }
      /0009 { /type "deny" /path "/content/*/jcr:content/*" }
      /0010 { /type "allow" /method "GET" /url "/libs/granite/csrf/token.json" }
    }
  }
}
`
  )
  return dir
}

/** One plain GET, to refuse a target that does not answer the upstream's 200 and body. */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let bytes = 0
      res.on('data', (d) => (bytes += d.length))
      res.on('end', () => resolve({ status: res.statusCode, bytes }))
    })
    req.once('timeout', () => req.destroy(new Error('no answer within 5 s')))
    req.once('error', (err) => resolve({ status: 0, bytes: 0, error: err.message }))
  })
}

async function checkTarget(target) {
  const { status, bytes, error } = await probe(new URL(target.path, target.url).href)
  if (status === 200 && bytes === BODY_BYTES) return null
  return error ?? `GET ${target.path} answered ${status} with ${bytes} bytes (expected 200 with ${BODY_BYTES})`
}

async function tryWorkbench(label, configDir, urlPath, upstream, stoppers) {
  try {
    const server = await startWorkbench({ configDir, upstream })
    stoppers.push(server.stop)
    return { key: label, label, url: server.url, path: urlPath, ours: true }
  } catch (err) {
    const firstLines = err.message.split('\n').slice(0, 12).join('\n  ')
    console.log(`Skipping ${label}: \`dispatcher-workbench serve\` did not start.\n  ${firstLines}`)
    return null
  }
}

async function measure(targets, upstream) {
  const runs = new Map(targets.map((t) => [t.key, []]))
  for (const scenario of SCENARIOS) {
    for (const target of targets) {
      await runWrk({ url: target.url, path: target.path, connections: scenario.connections, durationSec: WARMUP_SEC })
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating the order spreads the machine's drift evenly over the targets.
      const order = targets.map((_, i) => targets[(i + round) % targets.length])
      for (const target of order) {
        const before = await upstream.stats()
        const run = await runWrk({
          url: target.url,
          path: target.path,
          connections: scenario.connections,
          durationSec: DURATION_SEC
        })
        const after = await upstream.stats()
        runs.get(target.key).push({
          scenario: scenario.key,
          ...run,
          upstreamRequests: after.requests - before.requests,
          upstreamConnections: after.connections - before.connections
        })
        process.stdout.write('.')
      }
    }
  }
  process.stdout.write('\n')
  return runs
}

function summarize(target, runs) {
  const of = (scenario) => runs.filter((r) => r.scenario === scenario)
  const figures = (list) => ({
    rps: median(list.map((r) => r.requestsPerSec)),
    p50: median(list.map((r) => r.latencyMs.p50)),
    p99: median(list.map((r) => r.latencyMs.p99))
  })
  const requests = runs.reduce((sum, r) => sum + r.requests, 0)
  const failed = runs.reduce((sum, r) => sum + r.non2xx + r.socketErrors, 0)
  const upstreamRequests = runs.reduce((sum, r) => sum + r.upstreamRequests, 0)
  const upstreamConnections = runs.reduce((sum, r) => sum + r.upstreamConnections, 0)
  return {
    ...target,
    latency: figures(of('latency')),
    throughput: figures(of('throughput')),
    requests,
    failed,
    upstreamShare: requests ? upstreamRequests / requests : NaN,
    connsPer1k: requests ? (upstreamConnections / requests) * 1000 : NaN
  }
}

function ratio(a, b) {
  return `${fixed(a / b, 2)}×`
}

function report(summaries) {
  const direct = summaries.find((s) => s.key === 'direct')
  const apache = summaries.find((s) => s.key === 'apache')
  const nginx = summaries.find((s) => s.key === 'nginx')
  const undici = summaries.find((s) => s.key === 'undici')
  const c = CONNECTIONS
  console.log(
    '\n' +
      formatTable(
        [
          'target',
          '1c req/s',
          '1c p50 ms',
          '1c p99 ms',
          `${c}c req/s`,
          `${c}c p50 ms`,
          `${c}c p99 ms`,
          `${c}c vs direct`,
          'upstream conns/1k req'
        ],
        summaries.map((s) => [
          s.label + (s.failed ? ' (!)' : ''),
          fixed(s.latency.rps, 0),
          fixed(s.latency.p50, 3),
          fixed(s.latency.p99, 3),
          fixed(s.throughput.rps, 0),
          fixed(s.throughput.p50, 3),
          fixed(s.throughput.p99, 3),
          ratio(s.throughput.rps, direct.throughput.rps),
          fixed(s.connsPer1k, 2)
        ])
      )
  )
  console.log(
    `\nPeers at ${c} connections: Apache ${ratio(apache.throughput.rps, direct.throughput.rps)} direct, ` +
      `nginx ${ratio(nginx.throughput.rps, direct.throughput.rps)} direct, ` +
      `bare undici ${ratio(undici.throughput.rps, direct.throughput.rps)} direct ` +
      `(${ratio(undici.throughput.rps, apache.throughput.rps)} Apache); added p50 at 1 connection: ` +
      `Apache +${fixed(apache.latency.p50 - direct.latency.p50, 3)} ms, nginx +${fixed(nginx.latency.p50 - direct.latency.p50, 3)} ms, ` +
      `bare undici +${fixed(undici.latency.p50 - direct.latency.p50, 3)} ms`
  )
  for (const s of summaries.filter((x) => x.ours)) {
    const vsApache = s.throughput.rps / apache.throughput.rps
    const addedP50 = s.latency.p50 - direct.latency.p50
    console.log(
      `${s.label}: ${ratio(s.throughput.rps, apache.throughput.rps)} Apache req/s ` +
        `(target ≥ ${fixed(TARGET_VS_APACHE, 1)}×: ${vsApache >= TARGET_VS_APACHE ? 'met' : 'MISSED'}), ` +
        `${ratio(s.throughput.rps, nginx.throughput.rps)} nginx, ${ratio(s.throughput.rps, undici.throughput.rps)} bare undici, ` +
        `${ratio(s.throughput.rps, direct.throughput.rps)} direct; ` +
        `added p50 at 1 connection +${fixed(addedP50, 3)} ms ` +
        `(target ≤ ${TARGET_ADDED_P50_MS} ms: ${addedP50 <= TARGET_ADDED_P50_MS ? 'met' : 'MISSED'})`
    )
  }
  for (const s of summaries) {
    if (s.failed) console.log(`(!) ${s.label}: ${s.failed} of ${s.requests} answers were errors or not 2xx/3xx`)
    if (s.key !== 'direct' && s.upstreamShare < 0.99) {
      console.log(`(!) ${s.label}: only ${fixed(s.upstreamShare * 100, 1)}% of requests reached the upstream (cached?)`)
    }
    if (s.key !== 'direct' && s.connsPer1k > 1) {
      console.log(
        `(!) ${s.label}: ${fixed(s.connsPer1k, 1)} new upstream connections per 1000 requests: no keep-alive reuse`
      )
    }
  }
}

const stoppers = []
try {
  ensurePackages(['wrk', 'apache2', 'nginx'])
  const upstream = await startUpstream({ bodyBytes: BODY_BYTES })
  stoppers.push(upstream.stop)
  const apache = await startApache({ mode: 'proxy', upstream: upstream.url })
  stoppers.push(apache.stop)
  const nginx = await startNginx({ mode: 'proxy', upstream: upstream.url })
  stoppers.push(nginx.stop)
  const undici = await startBareUndici({ upstream })
  stoppers.push(undici.stop)
  const targets = [
    { key: 'direct', label: 'direct (Node upstream)', url: upstream.url, path: PATH },
    { key: 'apache', label: `Apache ${apacheVersion()} mod_proxy`, url: apache.url, path: PATH },
    { key: 'nginx', label: `nginx ${nginxVersion()} proxy_pass`, url: nginx.url, path: PATH },
    { key: 'undici', label: 'bare undici stream proxy', url: undici.url, path: PATH }
  ]
  const minimal = writeMinimalConfig(makeTempDir('config'))
  targets.push(await tryWorkbench('workbench (minimal config)', minimal, PATH, upstream, stoppers))
  if (fs.existsSync(WKND_CONFIG)) {
    // A copy, so that whatever the server writes (cache, logs) never lands in the shared corpus.
    const wknd = path.join(makeTempDir('wknd'), 'src')
    fs.cpSync(WKND_CONFIG, wknd, { recursive: true })
    targets.push(await tryWorkbench('workbench (WKND config)', wknd, WKND_PATH, upstream, stoppers))
  } else {
    console.log(`Skipping the WKND config: ${WKND_CONFIG} not found (set DW_CORPUS_DIR)`)
  }

  const usable = []
  for (const target of targets.filter(Boolean)) {
    const problem = await checkTarget(target)
    if (!problem) usable.push(target)
    else if (target.ours) console.log(`Skipping ${target.label}: ${problem}`)
    else throw new Error(`${target.label} is not usable: ${problem}`)
  }

  const seconds = SCENARIOS.length * usable.length * (ROUNDS * DURATION_SEC + WARMUP_SEC)
  console.log(
    `\nUncacheable ${BODY_BYTES}-byte GET, wrk 1 thread, 1 and ${CONNECTIONS} connections, ` +
      `${ROUNDS} rounds × ${DURATION_SEC} s, median; ${describePinning()}; about ${Math.round(seconds)} s`
  )
  const busy = busyWarning()
  if (busy) console.log(busy)
  const runs = await measure(usable, upstream)
  const summaries = usable.map((t) => summarize(t, runs.get(t.key)))
  report(summaries)
  const file = writeResult('proxy', {
    rounds: ROUNDS,
    durationSec: DURATION_SEC,
    connections: CONNECTIONS,
    bodyBytes: BODY_BYTES,
    pinning: describePinning(),
    summaries,
    runs: Object.fromEntries(runs)
  })
  console.log(`\nResults: ${file}`)
} catch (err) {
  console.error(`proxy benchmark failed: ${err.message}`)
  process.exitCode = 1
} finally {
  for (const stop of stoppers.reverse()) await stop()
}
