// Cache hits: a cached 2 KB page, a 50 KB page and a 500 KB asset served by
// `dispatcher-workbench serve` from its docroot, side by side with Apache httpd (mpm_event,
// static files, sendfile) and nginx serving the same files from the same folder.
// The pages are auto-invalidated (`/invalidate` allows *.html) and a flush has written their
// `.stat` files first, so every hit on them compares the file with its governing `.stat`;
// the render is checked to receive nothing while the hits are measured.
// Target: ≥ 1.0× Apache's requests/s on the 2 KB hit.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { apacheVersion, startApache } from './lib/apache.mjs'
import {
  flushRequest,
  request,
  startCacheableRender,
  startCachingWorkbench,
  writeCacheConfig
} from './lib/cache-bench.mjs'
import { busyWarning, describePinning } from './lib/cpu.mjs'
import { nginxVersion, startNginx } from './lib/nginx.mjs'
import { envNumber } from './lib/options.mjs'
import { ensurePackages } from './lib/packages.mjs'
import { writeResult } from './lib/results.mjs'
import { median } from './lib/stats.mjs'
import { fixed, formatTable } from './lib/table.mjs'
import { makeTempDir } from './lib/temp.mjs'
import { runWrk } from './lib/wrk.mjs'

const ROUNDS = envNumber('BENCH_ROUNDS', 3)
const DURATION_SEC = envNumber('BENCH_DURATION_SEC', 5)
const WARMUP_SEC = envNumber('BENCH_WARMUP_SEC', 1)
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 32)
const TARGET_VS_APACHE = 1.0

function filled(bytes, seed) {
  const line = `Dispatcher Workbench cached ${seed} `
  return Buffer.from(line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes))
}

const FILES = [
  {
    key: '2k',
    label: '2 KB page',
    path: '/content/bench/page-2k.html',
    type: 'text/html; charset=utf-8',
    body: filled(2 * 1024, 'page')
  },
  {
    key: '50k',
    label: '50 KB page',
    path: '/content/bench/page-50k.html',
    type: 'text/html; charset=utf-8',
    body: filled(50 * 1024, 'page')
  },
  {
    key: '500k',
    label: '500 KB asset',
    path: '/content/dam/bench/asset-500k.jpg',
    type: 'image/jpeg',
    body: filled(500 * 1024, 'asset')
  }
]

async function waitForFile(file, bytes, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!(fs.existsSync(file) && fs.statSync(file).size === bytes)) {
    if (Date.now() > deadline) throw new Error(`${file} was not stored within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Stores every file through the workbench and checks that the next request is a hit. */
async function prewarm(workbench, docroot) {
  // A flush first, so /.stat, /content/.stat and /content/bench/.stat exist and govern the pages.
  const flushed = await flushRequest(workbench.url, { handle: '/content/bench/none' })
  if (flushed.status !== 200) throw new Error(`the preparatory flush answered ${flushed.status}`)
  for (const stat of ['.stat', 'content/.stat', 'content/bench/.stat']) {
    if (!fs.existsSync(path.join(docroot, stat))) throw new Error(`the flush did not write ${stat}`)
  }
  await new Promise((r) => setTimeout(r, 20))
  for (const f of FILES) {
    const miss = await request(workbench.url, { path: f.path, headers: { 'X-Dispatcher-Info': '1' } })
    if (miss.status !== 200 || !miss.body.equals(f.body))
      throw new Error(`GET ${f.path} through the workbench answered ${miss.status}`)
    await waitForFile(path.join(docroot, f.path), f.body.length)
    const hit = await request(workbench.url, { path: f.path, headers: { 'X-Dispatcher-Info': '1' } })
    if (hit.headers['x-cache-info'] !== 'target file cached') {
      throw new Error(`GET ${f.path} is not a hit after storing it: X-Cache-Info ${hit.headers['x-cache-info']}`)
    }
  }
}

async function checkServes(target, f) {
  const r = await request(target.url, { path: f.path })
  if (r.status !== 200 || !r.body.equals(f.body)) {
    throw new Error(
      `${target.label}: GET ${f.path} answered ${r.status} with ${r.body.length} bytes (expected 200 with ${f.body.length})`
    )
  }
}

async function measure(targets, render) {
  const runs = []
  for (const f of FILES) {
    for (const t of targets)
      await runWrk({ url: t.url, path: f.path, connections: CONNECTIONS, durationSec: WARMUP_SEC })
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length])
      for (const t of order) {
        const before = render.requests()
        const run = await runWrk({ url: t.url, path: f.path, connections: CONNECTIONS, durationSec: DURATION_SEC })
        runs.push({ ...run, url: run.target, file: f.key, target: t.key, renderRequests: render.requests() - before })
        process.stdout.write('.')
      }
    }
  }
  process.stdout.write('\n')
  return runs
}

function summarize(runs, targets) {
  const rows = []
  for (const f of FILES) {
    for (const t of targets) {
      const list = runs.filter((r) => r.file === f.key && r.target === t.key)
      rows.push({
        file: f.key,
        fileLabel: f.label,
        target: t.key,
        label: t.label,
        rps: median(list.map((r) => r.requestsPerSec)),
        p50: median(list.map((r) => r.latencyMs.p50)),
        p99: median(list.map((r) => r.latencyMs.p99)),
        failed: list.reduce((n, r) => n + r.non2xx + r.socketErrors, 0),
        requests: list.reduce((n, r) => n + r.requests, 0),
        renderRequests: list.reduce((n, r) => n + r.renderRequests, 0)
      })
    }
  }
  return rows
}

function report(rows) {
  const find = (file, target) => rows.find((r) => r.file === file && r.target === target)
  console.log(
    '\n' +
      formatTable(
        ['file', 'server', 'req/s', 'p50 ms', 'p99 ms', 'vs Apache', 'vs nginx', 'render requests'],
        rows.map((r) => [
          r.fileLabel,
          r.label + (r.failed ? ' (!)' : ''),
          fixed(r.rps, 0),
          fixed(r.p50, 3),
          fixed(r.p99, 3),
          `${fixed(r.rps / find(r.file, 'apache').rps, 2)}×`,
          `${fixed(r.rps / find(r.file, 'nginx').rps, 2)}×`,
          r.target === 'workbench' ? String(r.renderRequests) : '-'
        ])
      )
  )
  const ours = find('2k', 'workbench')
  const vsApache = ours.rps / find('2k', 'apache').rps
  console.log(
    `\n2 KB hit: workbench ${fixed(vsApache, 2)}× Apache req/s (target ≥ ${fixed(TARGET_VS_APACHE, 1)}×: ` +
      `${vsApache >= TARGET_VS_APACHE ? 'met' : 'MISSED'}), ${fixed(ours.rps / find('2k', 'nginx').rps, 2)}× nginx`
  )
  for (const r of rows) {
    if (r.failed)
      console.log(`(!) ${r.label}, ${r.fileLabel}: ${r.failed} of ${r.requests} answers were errors or not 2xx/3xx`)
    if (r.renderRequests)
      console.log(`(!) ${r.label}, ${r.fileLabel}: ${r.renderRequests} requests reached the render (not hits)`)
  }
}

/** After measuring: a flush makes the pages stale, which shows the `.stat` was consulted all along. */
async function checkStatStillConsulted(workbench) {
  await flushRequest(workbench.url, { handle: '/content/bench/other' })
  const r = await request(workbench.url, { path: FILES[0].path, headers: { 'X-Dispatcher-Info': '1' } })
  return r.headers['x-cache-info']
}

const stoppers = []
try {
  ensurePackages(['wrk', 'apache2', 'nginx'])
  const docroot = makeTempDir('docroot')
  const render = await startCacheableRender(Object.fromEntries(FILES.map((f) => [f.path, f])))
  stoppers.push(render.stop)
  const configDir = writeCacheConfig(makeTempDir('config'), { docroot, renderPort: render.port, statfileslevel: 2 })
  const workbench = await startCachingWorkbench({ configDir, docroot })
  stoppers.push(workbench.stop)
  await prewarm(workbench, docroot)
  const apache = await startApache({ mode: 'static', docroot })
  stoppers.push(apache.stop)
  const nginx = await startNginx({ mode: 'static', docroot })
  stoppers.push(nginx.stop)
  const targets = [
    { key: 'workbench', label: 'dispatcher-workbench', url: workbench.url },
    { key: 'apache', label: `Apache ${apacheVersion()} (event, static)`, url: apache.url },
    { key: 'nginx', label: `nginx ${nginxVersion()} (static)`, url: nginx.url }
  ]
  for (const t of targets) for (const f of FILES) await checkServes(t, f)

  const seconds = FILES.length * targets.length * (ROUNDS * DURATION_SEC + WARMUP_SEC)
  console.log(
    `\nCache hits from one docroot, wrk 1 thread, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_SEC} s, ` +
      `median; ${describePinning()}; about ${Math.round(seconds)} s`
  )
  const busy = busyWarning()
  if (busy) console.log(busy)
  const runs = await measure(targets, render)
  const rows = summarize(runs, targets)
  report(rows)
  const afterFlush = await checkStatStillConsulted(workbench)
  console.log(
    `After a flush at the end the 2 KB page answers X-Cache-Info: ${afterFlush} (the .stat is consulted on hits)`
  )
  const file = writeResult('cache-hit', {
    rounds: ROUNDS,
    durationSec: DURATION_SEC,
    connections: CONNECTIONS,
    pinning: describePinning(),
    loadAverage: os.loadavg(),
    rows,
    runs,
    afterFlush
  })
  console.log(`\nResults: ${file}`)
} catch (err) {
  console.error(`cache-hit benchmark failed: ${err.message}`)
  process.exitCode = 1
} finally {
  for (const stop of stoppers.reverse()) await stop()
}
