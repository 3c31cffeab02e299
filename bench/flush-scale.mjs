// Flush cost against cache size: an Activate through HTTP against `dispatcher-workbench serve`
// with 100 and then 100,000 cached files in its docroot (real files, `.stat` files on every
// level down to /statfileslevel "3"). A flush touches the `.stat` files on the handle's path
// and removes the handle's own files; it never walks the tree, so both medians should be about
// the same. The handle's folder holds the same 100 pages in both cases, so only the size of
// the rest of the tree differs.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {
  flushRequest,
  request,
  startCacheableRender,
  startCachingWorkbench,
  writeCacheConfig
} from './lib/cache-bench.mjs'
import { busyWarning } from './lib/cpu.mjs'
import { envNumber } from './lib/options.mjs'
import { writeResult } from './lib/results.mjs'
import { median } from './lib/stats.mjs'
import { fixed, formatTable } from './lib/table.mjs'
import { makeTempDir } from './lib/temp.mjs'

const FLUSHES = envNumber('BENCH_FLUSHES', 60)
const PAGES_PER_FOLDER = 100
const SIZES = [100, envNumber('BENCH_FLUSH_FILES', 100_000)]
const BODY = Buffer.from('<html><body>' + 'cached page '.repeat(40) + '</body></html>\n')

/** `/content/site/sNNNN/pNNN.html`: folders of 100 pages, each folder with its `.stat`. */
function pagePath(i) {
  const folder = Math.floor(i / PAGES_PER_FOLDER)
  return `/content/site/s${String(folder).padStart(4, '0')}/p${String(i % PAGES_PER_FOLDER).padStart(3, '0')}.html`
}

/** Adds cached files up to `total` (files created before stay), older than every `.stat`. */
function fillDocroot(docroot, from, total) {
  const old = new Date(Date.now() - 3600_000)
  for (const stat of ['.stat', 'content/.stat', 'content/site/.stat']) {
    fs.mkdirSync(path.dirname(path.join(docroot, stat)), { recursive: true })
    fs.writeFileSync(path.join(docroot, stat), '')
  }
  let folder = ''
  for (let i = from; i < total; i++) {
    const file = path.join(docroot, pagePath(i))
    if (path.dirname(file) !== folder) {
      folder = path.dirname(file)
      fs.mkdirSync(folder, { recursive: true })
      fs.writeFileSync(path.join(folder, '.stat'), '')
      fs.utimesSync(path.join(folder, '.stat'), old, old)
    }
    fs.writeFileSync(file, BODY)
    fs.utimesSync(file, old, old)
  }
}

function countFiles(dir) {
  let n = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(path.join(dir, e.name))
    else if (e.name !== '.stat') n++
  }
  return n
}

/** Times `FLUSHES` Activates of distinct pages of folder s0000 over one keep-alive connection. */
async function timeFlushes(url, docroot, round) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const times = []
  try {
    for (let i = 0; i < FLUSHES; i++) {
      const page = pagePath((round * FLUSHES + i) % PAGES_PER_FOLDER)
      const handle = page.replace(/\.html$/, '')
      const wall = Date.now()
      const started = process.hrtime.bigint()
      const r = await flushRequest(url, { handle, agent })
      times.push(Number(process.hrtime.bigint() - started) / 1e6)
      if (r.status !== 200) throw new Error(`flush of ${handle} answered ${r.status}`)
      if (fs.statSync(path.join(docroot, 'content/site/s0000/.stat')).mtimeMs < wall - 1) {
        throw new Error(`flush of ${handle} did not touch /content/site/s0000/.stat`)
      }
      if (fs.existsSync(path.join(docroot, page))) throw new Error(`flush of ${handle} did not delete ${page}`)
    }
  } finally {
    agent.destroy()
  }
  return times
}

/** A `CQ-Action: Test` flush does nothing: the HTTP round trip alone, for reference. */
async function timeTestFlushes(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const times = []
  try {
    for (let i = 0; i < FLUSHES; i++) {
      const started = process.hrtime.bigint()
      await flushRequest(url, { action: 'Test', handle: '/content', agent })
      times.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  } finally {
    agent.destroy()
  }
  return times
}

const stoppers = []
try {
  const docroot = makeTempDir('flush-docroot')
  const render = await startCacheableRender({})
  stoppers.push(render.stop)
  const configDir = writeCacheConfig(makeTempDir('flush-config'), {
    docroot,
    renderPort: render.port,
    statfileslevel: 3
  })
  const workbench = await startCachingWorkbench({ configDir, docroot })
  stoppers.push(workbench.stop)
  const busy = busyWarning()
  if (busy) console.log(busy)

  const results = []
  let created = 0
  for (const [round, size] of SIZES.entries()) {
    const genStarted = Date.now()
    fillDocroot(docroot, created, size)
    created = size
    // Pages the previous round flushed away come back, so each round deletes real files.
    for (let i = 0; i < PAGES_PER_FOLDER; i++) {
      const file = path.join(docroot, pagePath(i))
      if (!fs.existsSync(file)) fs.writeFileSync(file, BODY)
    }
    const files = countFiles(docroot)
    const genSec = (Date.now() - genStarted) / 1000
    const probe = await request(workbench.url, { path: pagePath(size - 1) })
    if (probe.status !== 200) throw new Error(`GET of a cached page answered ${probe.status}`)
    // Warm-up (longer before the first size, while the server's code is still being optimised).
    for (let w = 0; w < (round === 0 ? 4 : 1); w++) {
      await timeFlushes(workbench.url, docroot, round + 10)
      await timeTestFlushes(workbench.url)
      for (let i = 0; i < PAGES_PER_FOLDER; i++) {
        const file = path.join(docroot, pagePath(i))
        if (!fs.existsSync(file)) fs.writeFileSync(file, BODY)
      }
    }
    for (let i = 0; i < PAGES_PER_FOLDER; i++) {
      const file = path.join(docroot, pagePath(i))
      if (!fs.existsSync(file)) fs.writeFileSync(file, BODY)
    }
    const times = await timeFlushes(workbench.url, docroot, round)
    const test = await timeTestFlushes(workbench.url)
    results.push({
      size,
      files,
      genSec,
      times,
      test,
      median: median(times),
      p90: times.sort((a, b) => a - b)[Math.floor(times.length * 0.9)],
      testMedian: median(test)
    })
    console.log(
      `${files} cached files (generated in ${fixed(genSec, 1)} s): Activate median ${fixed(median(times), 3)} ms`
    )
  }

  console.log(
    '\n' +
      formatTable(
        ['cached files', 'Activate median ms', 'Activate p90 ms', 'Test flush median ms (HTTP only)'],
        results.map((r) => [String(r.files), fixed(r.median, 3), fixed(r.p90, 3), fixed(r.testMedian, 3)])
      )
  )
  const ratio = results[1].median / results[0].median
  console.log(
    `\nActivate with ${results[1].files} files costs ${fixed(ratio, 2)}× the Activate with ${results[0].files} files ` +
      `(target: about the same; ${ratio < 1.5 ? 'met' : 'MISSED'}); ${FLUSHES} flushes each, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
  )
  const file = writeResult('flush-scale', { flushes: FLUSHES, results, ratio })
  console.log(`\nResults: ${file}`)
} catch (err) {
  console.error(`flush-scale benchmark failed: ${err.message}`)
  process.exitCode = 1
} finally {
  for (const stop of stoppers.reverse()) await stop()
}
