/**
 * `Header set/unset Content-Length` on a file Apache serves: the content-length filter runs
 * after mod_headers and writes the body's real length again, so the framing stays right.
 * Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const CASES: Record<string, string[]> = {
  set: ['Header set Content-Length 5'],
  unset: ['Header unset Content-Length'],
  same: ['Header set Content-Length 4', 'Header set X-After 1'],
  edit: ['Header edit Content-Length ^4$ 40']
}

const FILES: Record<string, string> = {}
for (const name of Object.keys(CASES)) FILES[`${name}/a.txt`] = 'abc\n'

describe('Header directives on Content-Length', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'headers'], d),
    ...Object.entries(CASES).flatMap(([name, lines]) => [
      `<Location "/${name}/">`,
      ...lines.map((l) => `  ${l}`),
      '</Location>'
    ])
  ])

  it('leave the length the content-length filter writes', async () => {
    const requests = Object.keys(CASES).flatMap((name): HttpdRequest[] => [
      ['GET', `/${name}/a.txt`, {}],
      ['HEAD', `/${name}/a.txt`, {}]
    ])
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
