/**
 * Differential test against the real thing: Debian's apache2 and the workbench load the same
 * vhost over the same docroot (site.ts), the same requests go to both, and every status, header
 * and body must agree (both run `ServerTokens Prod`, so Server is compared too). What httpd
 * itself varies is left out of the comparison: Date and connection headers, the Expires timestamp (its presence is compared), the order of the
 * methods in Allow, and the DOCTYPE line of its error pages (HTML 4.01 in 2.4.71, HTML 2.0 in
 * older releases; the workbench writes the older one).
 * A multipart/byteranges boundary is random per server start: it is compared as `BOUNDARY`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine/engine'
import { REQUESTS, serverLines, vhost, writeDocroot } from './site'
import { startBackend, type Backend } from './backend'
import { freePort } from '../integration/support/ports'

const APACHE = '/usr/sbin/apache2'
const IGNORED = new Set(['date', 'connection', 'keep-alive'])

interface Answer {
  status: number
  /** The status line's reason phrase. */
  reason: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

let dir: string
let apache: ChildProcess
let apachePort: number
let engine: Engine
let enginePort: number
let backend: Backend

async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)))
      c.on('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`apache2 did not listen on ${port}: ${readLog()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function readLog(): string {
  try {
    return fs.readFileSync(path.join(dir, 'apache', 'error.log'), 'utf8').slice(-2000)
  } catch {
    return '(no error log)'
  }
}

/** The raw request, so targets like `#frag` reach the servers as written. */
function ask(port: number, [method, rawTarget, rawHeaders]: (typeof REQUESTS)[number]): Promise<Answer> {
  const target = rawTarget.replaceAll('{backend}', `127.0.0.1:${backend.port}`)
  const headers = Object.fromEntries(
    Object.entries(rawHeaders).map(([k, v]) => [k, v.replaceAll('{backend}', `127.0.0.1:${backend.port}`)])
  )
  return new Promise((resolve, reject) => {
    // `host` replaces the default Host line; `:body` is sent as the request body.
    const lines = [`${method} ${target} HTTP/1.1`, `Host: ${headers.host ?? 'localhost'}`, 'Connection: close']
    for (const [k, v] of Object.entries(headers)) if (k !== 'host' && k !== ':body') lines.push(`${k}: ${v}`)
    const head = `${lines.join('\r\n')}\r\n\r\n${headers[':body'] ?? ''}`
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head))
    const parts: Buffer[] = []
    socket.on('data', (c: Buffer) => parts.push(c))
    socket.on('error', reject)
    socket.on('end', () => {
      const raw = Buffer.concat(parts)
      const headEnd = raw.indexOf('\r\n\r\n')
      const head = raw.subarray(0, headEnd).toString('latin1').split('\r\n')
      const out: http.IncomingHttpHeaders = {}
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).toLowerCase()
        const value = line.slice(colon + 1).trim()
        const prev = out[name]
        out[name] = prev === undefined ? value : `${String(prev)}\n${value}`
      }
      let body: Buffer = raw.subarray(headEnd + 4)
      if (out['transfer-encoding'] === 'chunked') body = dechunk(body)
      resolve({
        status: Number(head[0].split(' ')[1]),
        reason: head[0].split(' ').slice(2).join(' '),
        headers: out,
        body
      })
    })
  })
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = b.indexOf('\r\n', at)
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16)
    if (!size) return Buffer.concat(out)
    out.push(b.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

const DOCTYPE = /^<!DOCTYPE[^>]*>/

/**
 * A multipart/byteranges answer with its boundary (random per server start) written as
 * `BOUNDARY`, and its Content-Length as the length of that body once checked against the bytes
 * (so a HEAD's multipart length cannot be compared here: the unit tests check it).
 */
function withoutBoundary(x: Answer): Answer {
  const boundary = /boundary=([0-9a-f]+)/.exec(String(x.headers['content-type'] ?? ''))?.[1]
  if (!boundary) return x
  const body = Buffer.from(x.body.toString('latin1').replaceAll(boundary, 'BOUNDARY'), 'latin1')
  const headers = { ...x.headers, 'content-type': String(x.headers['content-type']).replace(boundary, 'BOUNDARY') }
  if (headers['content-length'] !== undefined)
    headers['content-length'] =
      Number(headers['content-length']) === x.body.length
        ? String(body.length)
        : `${headers['content-length']} (not the ${x.body.length} bytes sent)`
  return { ...x, headers, body }
}

/** What differs between the two answers, in words; empty when they agree. */
function differences(apache: Answer, workbench: Answer): string[] {
  const [a, w] = [withoutBoundary(apache), withoutBoundary(workbench)]
  const out: string[] = []
  if (a.status !== w.status) out.push(`status: apache ${a.status}, workbench ${w.status}`)
  else if (a.reason !== w.reason) out.push(`reason phrase: apache "${a.reason}", workbench "${w.reason}"`)
  const aBody = a.body.toString('latin1').replace(DOCTYPE, '<!DOCTYPE>')
  const wBody = w.body.toString('latin1').replace(DOCTYPE, '<!DOCTYPE>')
  const doctypeOnly = !a.body.equals(w.body) && aBody === wBody
  if (aBody !== wBody)
    out.push(`body: apache ${JSON.stringify(aBody.slice(0, 80))}, workbench ${JSON.stringify(wBody.slice(0, 80))}`)
  for (const name of new Set([...Object.keys(a.headers), ...Object.keys(w.headers)])) {
    if (IGNORED.has(name) || (doctypeOnly && name === 'content-length')) continue
    let av = a.headers[name]
    let wv = w.headers[name]
    if (name === 'expires') [av, wv] = [av === undefined ? av : 'set', wv === undefined ? wv : 'set']
    if (name === 'allow') [av, wv] = [sortedList(av), sortedList(wv)]
    if (String(av) !== String(wv)) out.push(`${name}: apache ${JSON.stringify(av)}, workbench ${JSON.stringify(wv)}`)
  }
  return out
}

function sortedList(v: string | string[] | undefined): string | undefined {
  return v === undefined ? v : String(v).split(',').sort().join(',')
}

beforeAll(async () => {
  if (!fs.existsSync(APACHE))
    throw new Error(`${APACHE} is missing: install Debian's apache2 (apt-get install apache2; .ci/run does)`)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-httpd-'))
  fs.chmodSync(dir, 0o755)
  const docroot = path.join(dir, 'docroot')
  writeDocroot(docroot)
  backend = await startBackend(await freePort())
  const site = vhost(docroot, backend.port, await freePort())
  const modules = serverLines()
  apachePort = await freePort()
  const apacheDir = path.join(dir, 'apache')
  fs.mkdirSync(apacheDir)
  const asRoot = process.getuid?.() === 0
  fs.writeFileSync(
    path.join(apacheDir, 'httpd.conf'),
    [
      `ServerRoot "${apacheDir}"`,
      'ServerName localhost',
      `Listen 127.0.0.1:${apachePort}`,
      `PidFile "${apacheDir}/httpd.pid"`,
      `ErrorLog "${apacheDir}/error.log"`,
      'LogLevel warn',
      `DefaultRuntimeDir "${apacheDir}"`,
      `Mutex file:${apacheDir} default`,
      ...(asRoot ? ['User www-data', 'Group www-data'] : []),
      `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so`,
      `LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so`,
      ...modules,
      site
    ].join('\n')
  )
  apache = spawn(APACHE, ['-f', path.join(apacheDir, 'httpd.conf'), '-DFOREGROUND'], { stdio: 'ignore' })
  await waitForPort(apachePort, Date.now() + 15_000)

  const wbDir = path.join(dir, 'workbench')
  fs.mkdirSync(wbDir)
  fs.writeFileSync(path.join(wbDir, 'httpd.conf'), [...modules, site].join('\n'))
  fs.writeFileSync(
    path.join(wbDir, 'dispatcher.any'),
    '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } /filter { /0 { /type "allow" /url "*" } } } }\n'
  )
  engine = new Engine({
    config: path.join(wbDir, 'dispatcher.any'),
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ringSize: 0
  })
  enginePort = Number(new URL(await engine.start()).port)
}, 30_000)

afterAll(async () => {
  apache?.kill('SIGTERM')
  await engine?.stop()
  await backend?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('the workbench answers as httpd does (Debian apache2 side by side)', () => {
  it('every request gets the same status, headers and body from both', async () => {
    const report: string[] = []
    for (const req of REQUESTS) {
      const [a, w] = await Promise.all([ask(apachePort, req), ask(enginePort, req)])
      const diff = differences(a, w)
      if (diff.length > 0) report.push(`${req[0]} ${req[1]} ${JSON.stringify(req[2])}\n  ${diff.join('\n  ')}`)
    }
    expect(report.join('\n')).toBe('')
  })
})
