/**
 * A raw backend for the mod_proxy differential tests: it records each request exactly as it
 * came (head bytes, body bytes with their framing) and answers as the target's
 * `/b/<scenario>/` says, byte by byte — including heads Node's HTTP server could not write
 * (odd reason phrases, folded lines, two lengths, an interim 100, no head at all).
 */
import net from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from '../integration/support/ports'
import type { RunningPair } from './harness'
import { classicSideBySide } from './classic'

export interface Recorded {
  head: string
  body: string
}

export type Step = string | { wait: number } | { close: true }

/**
 * The answer to one request, as raw pieces: a string is written, `wait` pauses, `close` drops the
 * connection. `continued`: the backend already answered the request's `Expect: 100-continue`.
 */
export function scenario(method: string, target: string, continued = false): Step[] {
  const name = /\/b\/([a-z0-9-]+)/.exec(target)?.[1] ?? 'echo'
  // Head and body in one write: written apart, whether the body is in the read that brings the
  // head depends on timing, and that decides what mod_deflate and the byte-range filter do
  // (reads-with-head.ts); apache2 and the workbench would each flip a coin.
  const ok = (head: string[], body: string): Step[] => [
    `HTTP/1.1 ${head[0]}\r\n${head
      .slice(1)
      .map((h) => h + '\r\n')
      .join('')}\r\n` + (method === 'HEAD' ? '' : body)
  ]
  const plain = ['Content-Length: 3', 'Content-Type: text/plain']
  switch (name) {
    case 'reason':
      return ok(['200 Fine Thanks', ...plain], 'ok\n')
    case 'status': {
      const s = /status\/(\d+)/.exec(target)?.[1] ?? '200'
      return ok([`${s} X`, 'Content-Length: 8', 'Content-Type: text/plain'], 'backend\n')
    }
    case 'www':
      return ok(['401 Unauthorized', 'WWW-Authenticate: Basic realm="r"', ...plain], 'no\n')
    case 'huge': {
      const n = Number(/huge\/(\d+)/.exec(target)?.[1] ?? 9000)
      return ok(['200 OK', `X-Huge: ${'h'.repeat(n)}`, ...plain], 'ok\n')
    }
    case 'badlen':
      return ['HTTP/1.1 200 OK\r\nContent-Length: abc\r\nContent-Type: text/plain\r\n\r\nok\n', { close: true }]
    case 'continue':
      return ['HTTP/1.1 100 Continue\r\n\r\n', ...ok(['200 OK', ...plain], 'ok\n')]
    // Interim answers other than 100 before the final one: 103 Early Hints, 102 Processing.
    case 'hints':
      return [
        'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nKeep-Alive: 5\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n',
        ...ok(['200 OK', ...plain], 'ok\n')
      ]
    case 'continue-lines':
      return [CONTINUE_WITH_LINES, ...ok(['200 OK', ...plain], 'ok\n')]
    // `/b/interim/<status>?<line>&<line>`: an interim head with those lines (%XX decoded byte by
    // byte, as for `/b/fields/`), then the final answer; a `100` answers an Expect with it.
    case 'interim':
      return [...(continued ? [] : [interimHead(target)]), ...ok(['200 OK', ...plain], 'ok\n')]
    case 'folded':
      return ok(['200 OK', 'X-Fold: a', ' b', ...plain], 'ok\n')
    case 'both':
      return [
        'HTTP/1.1 200 OK\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n',
        '3\r\nabc\r\n0\r\n\r\n'
      ]
    case 'twolens':
      return ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\nContent-Type: text/plain\r\n\r\nok\n!']
    case 'garbage':
      return ['NOT HTTP AT ALL\r\n\r\n', { close: true }]
    case 'chunked':
      return [
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n',
        ...(method === 'HEAD' ? [] : ['3\r\nabc\r\n0\r\n\r\n'])
      ]
    // One Set-Cookie line for each `&`-separated piece of the query, URL-decoded.
    case 'cookie': {
      const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : ''
      const cookies = query.split('&').map((c) => `Set-Cookie: ${decodeURIComponent(c)}`)
      return ok(['200 OK', ...cookies, ...plain], 'ok\n')
    }
    // `/b/fields/<status>?<line>&<line>`: the status and, before the body's length, one header
    // line for each `&`-separated piece of the query, %XX decoded byte by byte (a raw 0x01, a
    // bare CR, a NUL…).
    // `/b/fields-later/…`: the same, the status line and those lines in one write, the rest of
    // the head and the body a moment later.
    case 'fields':
    case 'fields-later': {
      const s = /fields(?:-later)?\/(\d+)/.exec(target)?.[1] ?? '200'
      const [whole] = ok([`${s} X`, ...queryLines(target), ...plain], 'ok\n') as [string]
      if (name === 'fields') return [whole]
      const rest = whole.indexOf(plain[0])
      return [whole.slice(0, rest), { wait: 50 }, whole.slice(rest)]
    }
    // 600 bytes of text with the status the path names (/b/text/404).
    case 'text': {
      const s = /text\/(\d+)/.exec(target)?.[1] ?? '200'
      return ok(
        [`${s} X`, 'Content-Length: 600', 'Content-Type: text/plain'],
        'abc text to compress '.repeat(30).slice(0, 599) + '\n'
      )
    }
    // One long line of text with its head in one write, then the backend closes the connection.
    case 'longline': {
      const body = 'aaa'.repeat(400) + '\n'
      const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
      return [head + (method === 'HEAD' ? '' : body), { close: true }]
    }
    // A chunked body whose lines arrive split over pieces, a moment apart.
    case 'lines':
      return [
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n',
        ...(method === 'HEAD'
          ? []
          : [
              '2\r\nab\r\n',
              { wait: 50 },
              '4\r\nc\nxa\r\n',
              { wait: 50 },
              '3\r\nbc\n\r\n',
              { wait: 50 },
              '4\r\ntail\r\n0\r\n\r\n'
            ])
      ]
    // `/b/whole/<framing>/<kind>/<n>`: n bytes of text that compresses like a page, or of
    // noise, framed by a Content-Length (`length`) or as one chunk (`chunked`), all in one
    // write; `length-later` and `chunked-later` write the rest (the body, the last chunk) a
    // moment after the head.
    case 'whole': {
      const [, framing, kind, n] = /whole\/([a-z-]+)\/([a-z]+)\/(\d+)/.exec(target) ?? ['', 'length', 'text', '600']
      const body = kind === 'noise' ? noise(Number(n)) : pageText(Number(n))
      const chunked = framing.startsWith('chunked')
      const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`}\r\n\r\n`
      if (method === 'HEAD') return [head]
      const framed = chunked ? `${body.length.toString(16)}\r\n${body}\r\n` : body
      const last = chunked ? '0\r\n\r\n' : ''
      if (framing === 'length-later') return [head, { wait: 100 }, framed]
      if (framing === 'chunked-later') return [head + framed, { wait: 100 }, last]
      return [head + framed + last]
    }
    // Part of a head, then nothing for longer than the tests' ProxyTimeout: `/b/stall/status`
    // stops inside the status line, `/b/stall/line` after the status line and one header line
    // (the blank line that ends the head never comes); `-close` after either closes the
    // connection there instead.
    case 'stall': {
      const part = target.includes('/stall/status') ? 'HTTP/1.1 20' : 'HTTP/1.1 200 OK\r\nX-One: 1\r\n'
      return [part, { wait: target.endsWith('-close') ? 0 : 3000 }, { close: true }]
    }
    // `/b/first/<name>`: FIRST_LINES[name] (a first line that is no status line, or almost one),
    // then the backend closes its connection; `/b/first/<name>-open` keeps it open, silent.
    case 'first': {
      const [, key, open] = /first\/([a-z0-9]+)(-open)?/.exec(target) ?? ['', 'hello', undefined]
      const bytes = FIRST_LINES[key] ?? FIRST_LINES.hello
      const sent: Step[] = typeof bytes === 'string' ? [bytes] : bytes
      return [...sent, { wait: open ? 3000 : 0 }, { close: true }]
    }
    // The head, then (a moment later) a small body whose length it named.
    case 'slow':
      return [{ wait: 2000 }, ...ok(['200 OK', ...plain], 'ok\n')]
    case 'gap':
      return ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Type: text/plain\r\n\r\n', { wait: 100 }, '0123456789']
    default:
      return ok(['200 OK', ...plain], 'ok\n')
  }
}

/** The `&`-separated pieces of the target's query, %XX decoded byte by byte (a raw 0x01, a bare CR, a NUL…). */
function queryLines(target: string): string[] {
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : ''
  const bytes = (piece: string): string =>
    piece.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  return query.split('&').map(bytes)
}

/** `/b/interim/<status>?<lines>`'s interim head. */
function interimHead(target: string): string {
  const s = /interim\/(\d+)/.exec(target)?.[1] ?? '100'
  return `HTTP/1.1 ${s} X\r\n${queryLines(target)
    .map((l) => l + '\r\n')
    .join('')}\r\n`
}

/** The head that answers a request's `Expect: 100-continue`. */
function continueHead(target: string): string {
  if (target.startsWith('/b/continue-lines')) return CONTINUE_WITH_LINES
  return target.startsWith('/b/interim/100') ? interimHead(target) : 'HTTP/1.1 100 Continue\r\n\r\n'
}

/** `n` bytes of markup and words from a fixed pseudo-random sequence: compresses like a page. */
function pageText(n: number): string {
  const words = ['adventure', 'page', 'content', 'ski', 'surf', 'climb', 'team', 'camp', 'river', 'trail']
  const next = lcg(7)
  let out = ''
  while (out.length < n) {
    const w = (): string => words[next(words.length)]
    out += `<div class="c${next(50)}"><p>${w()} ${w()} ${next(100000)}</p><a href="/content/${w()}/${next(1000)}.html">${w()}</a></div>\n`
  }
  return out.slice(0, n)
}

/** `n` bytes of base64 from a fixed pseudo-random sequence (xorshift): compresses by a quarter only. */
function noise(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let x = 2463534242
  let out = ''
  while (out.length < n) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out += alphabet[(x >>> 0) % 64]
  }
  return out
}

/** A fixed pseudo-random sequence: each call gives a number below `k`. */
function lcg(seed: number): (k: number) => number {
  return (k) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % k)
}

/** What `/b/first/<name>` sends before it closes the connection (or keeps it open). */
const FIRST_LINES: Record<string, string | Step[]> = {
  hello: 'hello\nworld\n',
  html: '<html>\r\n<body>x</body>\r\n</html>\r\n',
  abc: 'HTTP/1.1 abc\r\nX-A: 1\r\n\r\nbody\n',
  short: 'HTTP/1.1 99 X\r\nX-A: 1\r\n\r\nbody\n',
  icy: 'ICY 200 OK\r\nX-A: 1\r\n\r\nbody\n',
  blank: '\r\nhello\n',
  blanks: '\r\n\r\nhello\n',
  // A whole answer the backend then closes: it says so (Connection: close), or a proxy may take
  // the connection for the next request while the close is on its way, and fail that one
  // (apache2 and the workbench alike, depending on timing).
  blankok: '\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n',
  blanksok: '\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n',
  http2: 'HTTP/2.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n',
  nolf: 'hello',
  nul: 'hel\0lo\n',
  cr: 'hel\rlo\nmore\n',
  long: 'x'.repeat(9000) + '\nmore\n',
  split: ['hel', { wait: 50 }, 'lo\nmore\n'],
  interim: 'HTTP/1.1 100 Continue\r\n\r\nhello\n',
  // The final status line after an interim answer, or split over two reads.
  interimhttp2: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/2.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n',
  interimblanks: 'HTTP/1.1 100 Continue\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n',
  splithttp2: ['HTTP/2', { wait: 50 }, '.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n'],
  hintshttp2: [
    'HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/2',
    { wait: 50 },
    '.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n'
  ],
  // A whole answer, then bytes no answer begins with, in the same write (and read).
  trailing: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\nEXTRA',
  trailing09: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\nhello\n',
  longstatus: `HTTP/1.1 200 ${'O'.repeat(8200)}\r\nContent-Length: 3\r\n\r\nok\n`
}

/** An interim answer with a reason phrase and header lines of its own, a hop-by-hop one among them. */
const CONTINUE_WITH_LINES = 'HTTP/1.1 100 Go On\r\nX-Interim: 1\r\nKeep-Alive: 5\r\nvia: 1.0 b\r\n\r\n'

export interface RawBackend {
  port: number
  records: Recorded[]
  close(): Promise<void>
}

export async function startRawBackend(port: number): Promise<RawBackend> {
  const records: Recorded[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => {})
    let buf = Buffer.alloc(0)
    let busy = false
    let continued = false
    const tryParse = async (): Promise<void> => {
      if (busy) return
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = buf.subarray(0, end).toString('latin1')
      const lines = head.split('\r\n')
      const [method, target] = lines[0].split(' ')
      const header = (n: string): string | undefined =>
        lines
          .slice(1)
          .find((l) => l.toLowerCase().startsWith(n + ':'))
          ?.slice(n.length + 1)
          .trim()
      // `/b/deaf`: a backend that ignores Expect and waits for the body; `/b/continue-lines`
      // answers it with a 100 that has header lines.
      if (/100-continue/i.test(header('expect') ?? '') && !continued && !target.startsWith('/b/deaf')) {
        continued = true
        sock.write(continueHead(target), 'latin1')
      }
      let bodyEnd = end + 4
      const cl = header('content-length')
      if (header('transfer-encoding')?.toLowerCase().includes('chunked')) {
        let at = end + 4
        for (;;) {
          const eol = buf.indexOf('\r\n', at)
          if (eol < 0) return
          const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16)
          if (size === 0) {
            const fin = buf.indexOf('\r\n\r\n', eol)
            if (fin < 0) return
            bodyEnd = fin + 4
            break
          }
          at = eol + 2 + size + 2
          if (at > buf.length) return
        }
      } else if (cl !== undefined) {
        bodyEnd = end + 4 + Number(cl)
        if (buf.length < bodyEnd) return
      }
      records.push({ head, body: buf.subarray(end + 4, bodyEnd).toString('latin1') })
      buf = buf.subarray(bodyEnd)
      const answered = continued
      continued = false
      busy = true
      for (const step of scenario(method, target, answered)) {
        if (typeof step === 'string') sock.write(step, 'latin1')
        else if ('wait' in step) await new Promise((r) => setTimeout(r, step.wait))
        else return void sock.destroy()
      }
      busy = false
      void tryParse()
    }
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c])
      void tryParse()
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    port,
    records,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/**
 * apache2 and the workbench side by side on `lines(backendUrl, docroot)` over a docroot of
 * `files`, both forwarding to one raw backend started for the file's tests (read `backend`
 * inside a test).
 */
export function proxiedSideBySide(
  lines: (backend: string, docroot: string) => string[],
  files: Record<string, string> = { 'x.txt': 'x\n' }
): {
  running: RunningPair
  backend: () => RawBackend
} {
  let port = 0
  let backend: RawBackend | undefined
  beforeAll(async () => {
    port = await freePort()
  })
  const running = classicSideBySide(files, (d) => lines(`http://127.0.0.1:${port}`, d))
  beforeAll(async () => {
    backend = await startRawBackend(port)
  })
  afterAll(async () => backend?.close())
  return {
    running,
    backend: () => {
      if (!backend) throw new Error('the raw backend is not running yet')
      return backend
    }
  }
}
