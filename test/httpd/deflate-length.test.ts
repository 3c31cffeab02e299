/**
 * When mod_deflate's answer keeps a Content-Length: httpd hands it a file in one piece, zlib
 * takes that in as its window fills (64 KiB, then 32 KiB at a time), and mod_deflate passes its
 * output on — which ends the content-length filter's chance — whenever zlib has filled its
 * 8096-byte buffer while input is still waiting. So every page up to 64 KiB keeps its length,
 * and a larger one keeps it when it compresses well enough. Debian's apache2 against the
 * workbench, on text that compresses like a page and on noise; GET, HEAD and a range.
 *
 * Node's zlib (Chromium's) does not make the very bytes Debian's zlib makes, so lengths differ
 * by a few bytes: GETs are compared decompressed (harness.ts), HEADs and the range by framing.
 */
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type Answer, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const WORDS = [
  'adventure',
  'page',
  'content',
  'ski',
  'surf',
  'climb',
  'team',
  'camp',
  'river',
  'trail',
  'photo',
  'wknd'
]

/** Page-like text of `n` bytes: markup, words and numbers from a fixed pseudo-random sequence. */
function page(n: number): string {
  let seed = 7
  const next = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % k)
  let out = '<html><body>'
  while (out.length < n) {
    const w = (): string => WORDS[next(WORDS.length)]
    out += `<div class="c${next(50)}"><p>${w()} ${w()} ${next(100000)}</p><a href="/content/${w()}/${next(1000)}.html">${w()}</a></div>\n`
  }
  return out.slice(0, n)
}

const PAGES = [20000, 66000, 100000, 300000, 900000]
const NOISE = [40000, 60000, 70000]
const FILES: Record<string, string> = {}
for (const n of PAGES) FILES[`p${n}.txt`] = page(n)
// Base64 noise: ASCII, so the file has exactly this many bytes, and compresses by a quarter.
for (const n of NOISE) FILES[`n${n}.txt`] = crypto.randomBytes(n).toString('base64').slice(0, n)

const GZIP = { 'accept-encoding': 'gzip' }
const TARGETS = [...PAGES.map((n) => `/p${n}.txt`), ...NOISE.map((n) => `/n${n}.txt`)]
const GETS: HttpdRequest[] = TARGETS.map((t): HttpdRequest => ['GET', t, GZIP])
const FRAMED: HttpdRequest[] = [
  ...TARGETS.map((t): HttpdRequest => ['HEAD', t, GZIP]),
  ['GET', '/p300000.txt', { ...GZIP, range: 'bytes=0-9' }],
  ['GET', '/p900000.txt', { ...GZIP, range: 'bytes=0-9' }]
]

/** Status and framing: whether a length is given (not its value), chunking, the range cut. */
function framing(a: Answer): string {
  const h = a.headers
  const range = String(h['content-range'] ?? '-').replace(/\/\d+$/, '/total')
  return `${a.status} length:${h['content-length'] === undefined ? 'no' : 'yes'} te:${h['transfer-encoding'] ?? '-'} range:${range} encoding:${h['content-encoding'] ?? '-'}`
}

describe('a compressed answer and its Content-Length', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'filter', 'deflate'], d),
    'AddOutputFilterByType DEFLATE text/plain'
  ])
  it('keeps its length where apache2 keeps it', async () => {
    expect(await compareAll(GETS, running.apachePort, running.enginePort)).toBe('')
    for (const req of FRAMED) {
      const [a, w] = await Promise.all([ask(running.apachePort, req), ask(running.enginePort, req)])
      expect(`${req[0]} ${req[1]} ${framing(w)}`).toBe(`${req[0]} ${req[1]} ${framing(a)}`)
    }
  })
})
