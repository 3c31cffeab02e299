/**
 * ap_expr and mod_setenvif details, Debian's apache2 against the workbench: `unescape()` gives
 * bytes; `in { … }` evaluates every member of its list (each header it reads joins Vary, the
 * last member first); the core's `ldap()` escapes for LDAP; a SetEnvIfNoCase/BrowserMatchNoCase
 * pattern without regex characters is a caseless string match (so `$0` stays as written); and
 * `VAR=` sets 1.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const CASES: Record<string, string[]> = {
  unescapeUtf8: ['Header set X-V "expr=%{unescape:%c3%a9}"'],
  unescapeLatin1: ['Header set X-V "expr=%{unescape:%e9}"'],
  unescapeSlash: ['Header set X-V "expr=%{unescape:a%2fb%41}"'],
  listVary: ['<If "%{HTTP:X-A} in {\'a\', %{HTTP:X-B}}">', '</If>'],
  listVaryOrder: ['<If "\'a\' in {%{HTTP:X-A}, %{HTTP:X-B}, %{HTTP:X-C}}">', '  Header set X-In yes', '</If>'],
  ldap: ['Header set X-V "expr=%{ldap:a*b(c)d,f=g+h<i>j#k;l m}"'],
  emptyValue: ['SetEnvIf X-A "^a" V=', 'Header set X-V "[%{V}e]"'],
  nocaseLiteral: ['BrowserMatchNoCase "moz" MOZ=$0', 'SetEnvIfNoCase X-A "val" V=$0', 'Header set X-V "%{MOZ}e|%{V}e"'],
  nocaseMiss: ['SetEnvIfNoCase X-A "xyz" V=1', 'Header set X-V "[%{V}e]"']
}

const FILES: Record<string, string> = {}
for (const name of Object.keys(CASES)) FILES[`${name}/a.txt`] = 'abc\n'

describe('ap_expr and SetEnvIf values', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'headers', 'setenvif'], d),
    ...Object.entries(CASES).flatMap(([name, lines]) => [
      `<Location "/${name}/">`,
      ...lines.map((l) => `  ${l}`),
      '</Location>'
    ])
  ])
  const get = (name: string, headers: Record<string, string> = {}): HttpdRequest => ['GET', `/${name}/a.txt`, headers]

  it('are what apache2 makes of them', async () => {
    const requests = [
      get('unescapeUtf8'),
      get('unescapeLatin1'),
      get('unescapeSlash'),
      get('listVary', { 'x-a': 'a' }),
      get('listVaryOrder', { 'x-a': 'a' }),
      get('listVaryOrder', { 'x-c': 'a' }),
      get('ldap'),
      get('emptyValue', { 'x-a': 'a' }),
      get('nocaseLiteral', { 'user-agent': 'Mozilla/5.0', 'x-a': 'VAL' }),
      get('nocaseMiss', { 'x-a': 'abc' })
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
