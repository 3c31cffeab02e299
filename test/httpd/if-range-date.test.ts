/**
 * If-Range with a date: it must equal Last-Modified, and that date must be strong — a minute or
 * more before the answer's Date (RFC 7232 §2.2.2, as httpd applies it). A file written less than
 * a minute ago (a page the Dispatcher just cached) is sent whole. Debian's apache2 against the
 * workbench, on files aged by setting their times.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

// Two seconds or more from the boundary, so that a clock tick between the two answers cannot part them.
const AGES = [0, 2, 57, 63, 3600]
const FILES = Object.fromEntries(AGES.map((age) => [`f${age}.txt`, 'abcdefgh']))

describe('If-Range with a date', () => {
  let docroot = ''
  const running = classicSideBySide(FILES, (d) => {
    docroot = d
    return serverLines(['mime', 'alias', 'dir'], d)
  })
  it('is honoured only for a Last-Modified a minute or more old, as apache2 honours it', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const age of AGES) fs.utimesSync(path.join(docroot, `f${age}.txt`), now - age, now - age)
    const requests: HttpdRequest[] = []
    for (const age of AGES) {
      const plain = await ask(running.apachePort, ['GET', `/f${age}.txt`, {}])
      const lastModified = String(plain.headers['last-modified'])
      requests.push(['GET', `/f${age}.txt`, { range: 'bytes=0-3', 'if-range': lastModified }])
    }
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
