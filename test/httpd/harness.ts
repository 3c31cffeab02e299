/**
 * What the httpd differential tests share: starting Debian's apache2 from a generated
 * configuration, sending the same raw request to it and to the workbench, and saying in words
 * how two answers differ. What httpd itself varies is left out of the comparison: Date, the
 * Expires timestamp (its presence is compared), the order of the methods
 * in Allow, the DOCTYPE line of its error pages (HTML 4.01 in 2.4.71, HTML 2.0 in older
 * releases; the workbench writes the older one), and a multipart/byteranges boundary (random
 * per server start: compared as `BOUNDARY`), and the bytes of a gzipped body (the two zlib builds
 * differ: compared once inflated).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from '../integration/support/ports'

export const APACHE = '/usr/sbin/apache2'
const MODULES_DIR = '/usr/lib/apache2/modules'
const IGNORED = new Set(['date'])

/** Method, target and extra request headers (`host` replaces the default Host line, `:body` is the body). */
export type HttpdRequest = [string, string, Record<string, string>]

export interface Answer {
  status: number
  /** The status line's reason phrase. */
  reason: string
  headers: http.IncomingHttpHeaders
  /** Each header name as it was spelled on the wire, by its lower-case form. */
  spelling?: Record<string, string>
  /** The header lines' names, lower-cased, in the order they were written. */
  order?: string[]
  body: Buffer
}

/** The two servers' ports, set once both run: read them inside a test. */
export interface RunningPair {
  apachePort: number
  enginePort: number
}

/**
 * Runs `start` before the file's tests in a fresh folder (its name begins with `prefix`) and,
 * after them, what it registered with `onStop` (in the order registered), then removes the
 * folder: what every side-by-side set-up shares. `start` registers each server as soon as it
 * runs, so one that started is stopped even when the next fails to.
 */
export function sideBySide(
  prefix: string,
  start: (dir: string, onStop: (stop: () => unknown) => void) => Promise<RunningPair>
): RunningPair {
  const running: RunningPair = { apachePort: 0, enginePort: 0 }
  const stops: (() => unknown)[] = []
  let dir: string | undefined
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    fs.chmodSync(dir, 0o755)
    Object.assign(running, await start(dir, (stop) => stops.push(stop)))
  }, 30_000)
  afterAll(async () => {
    for (const stop of stops) await stop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })
  return running
}

export interface RunningApache {
  port: number
  stop(): void
}

/**
 * Starts apache2 in the foreground on a free loopback port: `lines` after the lines every run
 * needs (ServerRoot, Listen, PidFile, ErrorLog and the mpm; the run files go to `runDir`).
 */
export async function startApache(opts: {
  serverRoot: string
  runDir: string
  lines: string[]
  env?: Record<string, string>
  defines?: string[]
}): Promise<RunningApache> {
  if (!fs.existsSync(APACHE))
    throw new Error(`${APACHE} is missing: install Debian's apache2 (apt-get install apache2; .ci/run does)`)
  const port = await freePort()
  const { runDir } = opts
  const asRoot = process.getuid?.() === 0
  const conf = path.join(runDir, 'httpd.conf')
  fs.writeFileSync(
    conf,
    [
      `ServerRoot "${opts.serverRoot}"`,
      'ServerName localhost',
      `Listen 127.0.0.1:${port}`,
      `PidFile "${runDir}/httpd.pid"`,
      `ErrorLog "${runDir}/error.log"`,
      'LogLevel warn',
      `DefaultRuntimeDir "${runDir}"`,
      `Mutex file:${runDir} default`,
      ...(asRoot ? ['User www-data', 'Group www-data'] : []),
      `LoadModule mpm_event_module ${MODULES_DIR}/mod_mpm_event.so`,
      `LoadModule authz_core_module ${MODULES_DIR}/mod_authz_core.so`,
      ...opts.lines
    ].join('\n')
  )
  const defines = (opts.defines ?? []).flatMap((d) => ['-D', d])
  const child = spawn(APACHE, ['-f', conf, '-DFOREGROUND', ...defines], {
    stdio: 'ignore',
    env: { ...process.env, ...opts.env }
  })
  const readLog = (): string => {
    try {
      return fs.readFileSync(path.join(runDir, 'error.log'), 'utf8').slice(-2000)
    } catch {
      return '(no error log)'
    }
  }
  await waitForPort(port, Date.now() + 15_000, readLog)
  return { port, stop: () => void child.kill('SIGTERM') }
}

/** The modules the AEMaaCS SDK image loads that the compared configurations use. */
const MODULES = [
  'rewrite',
  'mime',
  'headers',
  'setenvif',
  'expires',
  'deflate',
  'filter',
  'dir',
  'alias',
  'env',
  'access_compat',
  'authz_host',
  'authn_core',
  'authn_file',
  'auth_basic',
  'authz_user',
  'proxy',
  'proxy_http',
  'autoindex',
  'remoteip'
]

/** `LoadModule` lines for Debian's modules (`rewrite` → mod_rewrite.so). */
export function loadModules(names: string[] = MODULES): string[] {
  return names.map((m) => `LoadModule ${m}_module ${MODULES_DIR}/mod_${m}.so`)
}

/** What differs, request by request, in words; empty when every answer agrees. */
export async function compareAll(
  requests: HttpdRequest[],
  apachePort: number,
  workbenchPort: number,
  substitute?: (text: string) => string
): Promise<string> {
  const report: string[] = []
  for (const req of requests) {
    const [a, w] = await Promise.all([ask(apachePort, req, substitute), ask(workbenchPort, req, substitute)])
    const diff = differences(a, w)
    if (diff.length > 0) report.push(`${req[0]} ${req[1]} ${JSON.stringify(req[2])}\n  ${diff.join('\n  ')}`)
  }
  return report.join('\n')
}

/** What differs, head by head, when the same raw request heads go to both; empty when every answer agrees. */
export async function compareRawHeads(heads: string[], apachePort: number, workbenchPort: number): Promise<string> {
  const report: string[] = []
  for (const head of heads) {
    const [a, w] = await Promise.all([askRaw(apachePort, head), askRaw(workbenchPort, head)])
    const diff = differences(a, w)
    if (diff.length > 0) report.push(`${JSON.stringify(head)}\n  ${diff.join('\n  ')}`)
  }
  return report.join('\n')
}

async function waitForPort(port: number, deadline: number, readLog: () => string): Promise<void> {
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

/** The raw request, so targets like `#frag` reach the servers as written. */
export function ask(
  port: number,
  [method, rawTarget, rawHeaders]: HttpdRequest,
  substitute: (text: string) => string = (t) => t
): Promise<Answer> {
  const target = substitute(rawTarget)
  const headers = Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k, substitute(v)]))
  // `host` replaces the default Host line; `:body` is sent as the request body.
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${headers.host ?? 'localhost'}`, 'Connection: close']
  for (const [k, v] of Object.entries(headers)) if (k !== 'host' && k !== ':body') lines.push(`${k}: ${v}`)
  return askRaw(port, `${lines.join('\r\n')}\r\n\r\n${headers[':body'] ?? ''}`)
}

/**
 * Bytes written exactly as given (latin1), and the answer read until the server closes the
 * connection (or 5 s pass: status 0 then says no head came).
 */
export function askRaw(port: number, request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request, 'latin1'))
    const parts: Buffer[] = []
    socket.setTimeout(5000, () => socket.destroy())
    socket.on('data', (c: Buffer) => parts.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const raw = Buffer.concat(parts)
      const headEnd = raw.indexOf('\r\n\r\n')
      if (headEnd < 0) {
        const text = JSON.stringify(raw.toString('latin1').slice(0, 60))
        return resolve({ status: 0, reason: `(no head: ${text})`, headers: {}, spelling: {}, order: [], body: raw })
      }
      const head = raw.subarray(0, headEnd).toString('latin1').split('\r\n')
      const out: http.IncomingHttpHeaders = {}
      const spelling: Record<string, string> = {}
      const order: string[] = []
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).toLowerCase()
        order.push(name)
        spelling[name] ??= line.slice(0, colon)
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
        spelling,
        order,
        body
      })
    })
  })
}

/** A chunked body's content (its chunk sizes and last chunk dropped). */
export function dechunk(b: Buffer): Buffer {
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

/**
 * A gzipped body as its content: apache2 links the system's zlib, Node its own build of it, and
 * the two compress varied text to different bytes (the same for the repetitive test pages). The
 * Content-Length is then compared by its presence (whole in one pass, or chunked).
 */
function gunzipped(x: Answer, other: Answer): Answer {
  const gzip = (y: Answer): boolean => String(y.headers['content-encoding'] ?? '') === 'gzip' && y.body.length > 0
  if (!gzip(x) || !gzip(other) || x.body.equals(other.body)) return x
  let body: Buffer
  try {
    body = zlib.gunzipSync(x.body)
  } catch {
    return x
  }
  const headers = { ...x.headers }
  if (headers['content-length'] !== undefined) headers['content-length'] = 'gzip'
  return { ...x, headers, body }
}

/** What differs between the two answers, in words; empty when they agree. */
export function differences(apache: Answer, workbench: Answer): string[] {
  const [a, w] = [gunzipped(withoutBoundary(apache), workbench), gunzipped(withoutBoundary(workbench), apache)]
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
    // `curl -i` shows the names as written: httpd keeps each one's spelling (its own, the
    // configuration's, the backend's).
    const [as, ws] = [apache.spelling?.[name], workbench.spelling?.[name]]
    if (as !== undefined && ws !== undefined && as !== ws)
      out.push(`${name} spelled: apache "${as}", workbench "${ws}"`)
  }
  const [ao, wo] = [apache.order?.join(' '), workbench.order?.join(' ')]
  if (ao !== undefined && wo !== undefined && ao !== wo) out.push(`header order: apache ${ao}; workbench ${wo}`)
  return out
}

function sortedList(v: string | string[] | undefined): string | undefined {
  return v === undefined ? v : String(v).split(',').sort().join(',')
}
