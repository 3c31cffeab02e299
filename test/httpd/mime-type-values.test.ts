/**
 * The types AddType and ForceType name, as mod_mime sends them: lower-cased, and their
 * parameters written again as `; name=value` (analyze_ct), a parameter without a value dropped.
 * Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const CASES: Record<string, string> = {
  charset: 'AddType "text/html; charset=UTF-8" .html',
  case: 'AddType Text/HTML .html',
  glued: 'AddType "text/html;charset=x" .html',
  spaced: 'AddType "text/html ; charset = x ; q=1" .html',
  bare: 'AddType "text/html; x" .html',
  quoted: `AddType 'text/html; charset="UTF-8"; a=b' .html`,
  badQuote: `AddType 'text/html; charset="a"b' .html`,
  noSubtype: 'AddType "text/; a=b" .html',
  force: 'ForceType "Text/Plain; Charset=X"',
  forceBare: 'ForceType "Text/Plain; flowed"'
}

const FILES: Record<string, string> = {}
for (const name of Object.keys(CASES)) FILES[`${name}/a.html`] = '<p>a</p>\n'

describe('AddType and ForceType values', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime'], d),
    ...Object.entries(CASES).flatMap(([name, line]) => [`<Location "/${name}/">`, `  ${line}`, '</Location>'])
  ])

  it('are sent as apache2 sends them', async () => {
    const requests = Object.keys(CASES).map((name): HttpdRequest => ['GET', `/${name}/a.html`, {}])
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
