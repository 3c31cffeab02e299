// Pieces the cache benchmarks share: an in-process render answering cacheable bodies (it is
// only asked while the cache is filled; the benchmarks check it stays idle while they
// measure), a classic dispatcher.any with a /cache section, `dispatcher-workbench serve`
// on that docroot, and plain HTTP requests (GETs, flush requests) for checks and timings.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { ROOT } from './bundle.mjs'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { freePort } from './ports.mjs'
import { spawnServer } from './processes.mjs'

/**
 * A render for `files` ({ '/path': { body: Buffer, type } }), cacheable answers (no
 * Cache-Control, no `Dispatcher: no-cache`). `requests()` counts what it received.
 */
export async function startCacheableRender(files) {
  let requests = 0
  const server = http.createServer((req, res) => {
    requests++
    req.resume()
    const file = files[(req.url ?? '/').split('?')[0]]
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': '9' })
      res.end('not found')
      return
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': String(file.body.length) })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * A classic dispatcher.any: one farm for every host, one render, GETs below /content allowed,
 * a /cache on `docroot` that stores everything, auto-invalidates `*.html` against `.stat`
 * files down to `statfileslevel`, lets 127.0.0.1 flush, and answers X-Dispatcher-Info.
 */
export function writeCacheConfig(dir, { docroot, renderPort, statfileslevel = 2 }) {
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    `/farms {
  /bench {
    /clientheaders { "*" }
    /virtualhosts { "*" }
    /renders {
      /0 { /hostname "127.0.0.1" /port "${renderPort}" }
    }
    /filter {
      /0001 { /type "deny" /url "*" }
      /0002 { /type "allow" /method "GET" /path "/content/*" }
    }
    /info "1"
    /cache {
      /docroot "${docroot}"
      /statfileslevel "${statfileslevel}"
      /rules { /0000 { /glob "*" /type "allow" } }
      /invalidate { /0000 { /glob "*" /type "deny" } /0001 { /glob "*.html" /type "allow" } }
      /allowedClients { /0 { /glob "*" /type "deny" } /1 { /glob "127.0.0.1" /type "allow" } }
    }
  }
}
`
  )
  return dir
}

/**
 * `dispatcher-workbench serve <configDir> --port P --host 127.0.0.1 --no-watch --docroot <docroot>`
 * on the server CPU, with its UI server on (as in the app, every trace is kept for the request
 * list; `--no-ui` keeps none). Resolves with `{ url, stop() }`.
 */
export async function startCachingWorkbench({ configDir, docroot, timeoutMs = 60000 }) {
  const port = await freePort()
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, [
    path.join(ROOT, 'bin', 'dispatcher-workbench.mjs'),
    'serve',
    configDir,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--no-watch',
    '--docroot',
    docroot
  ])
  const server = await spawnServer(cmd, args, {
    readyRegex: /Proxy:\s*(https?:\/\/[^\s/]+)/,
    cwd: ROOT,
    timeoutMs,
    name: 'dispatcher-workbench serve'
  })
  return { url: server.match[1], stop: () => server.stop() }
}

/** One request; resolves with `{ status, headers, body }` (body as a Buffer). */
export function request(url, { method = 'GET', path: target = '/', headers = {}, body, agent = false } = {}) {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: target, headers, agent, timeout: 30000 },
      (res) => {
        const parts = []
        res.on('data', (c) => parts.push(c))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }))
        res.on('error', reject)
      }
    )
    req.once('timeout', () => req.destroy(new Error(`${method} ${target}: no answer within 30 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** The flush request AEM's flush agent sends (dispatcher-behavior.md §7.1). */
export function flushRequest(url, { action = 'Activate', handle, agent = false }) {
  return request(url, {
    method: 'POST',
    path: '/dispatcher/invalidate.cache',
    agent,
    headers: {
      'CQ-Action': action,
      'CQ-Handle': handle,
      'CQ-Path': handle,
      'Content-Type': 'application/octet-stream',
      'Content-Length': '0',
      'User-Agent': 'Jakarta Commons-HttpClient/3.1',
      Host: 'flush'
    }
  })
}
