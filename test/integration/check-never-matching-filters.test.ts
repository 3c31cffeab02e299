/**
 * `check` names the filter rules that can never match (filter-never-matches.ts) where they are
 * written, as `file:line:col: warning CODE message`, and the configuration still passes.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from './support/cli'
import { writeConfig } from './support/config'

const ANY = [
  '/farms { /f {',
  '  /virtualhosts { "*" }',
  '  /renders { /0 { /hostname "localhost" /port "4503" } }',
  '  /filter {',
  '    /0001 { /type "deny" /url "*" }',
  '    /0002 { /type "allow" /url "content/wknd/*" }',
  '    /0003 { /type "allow" /url "GET /libs/granite/security/currentuser.json" }',
  '    /0004 { /type "allow" /path "/content/*" /extension ".json" }',
  '    /0005 { /type "allow" /method "get" /url "/content/*" }',
  '  }',
  '} }',
  ''
].join('\n')

describe('check warns about filter rules that can never match', () => {
  const cfg = writeConfig(ANY)
  afterAll(() => cfg.remove())

  it('one line per property with its file:line:col, and exit 0', async () => {
    const r = await runCli(['check', cfg.anyFile], 120_000)
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n').filter((l) => /PITFALL_(NEVER_MATCHES|METHOD_CASE)/.test(l))
    expect(lines).toEqual([
      `${cfg.anyFile}:6:32: warning PITFALL_NEVER_MATCHES filter rule /0002 /url: the URL is the path alone, which begins with "/" (/content/a.html), so "content/wknd/*" never matches; write /url "/content/wknd/*"`,
      `${cfg.anyFile}:7:32: warning PITFALL_NEVER_MATCHES filter rule /0003 /url: the URL is the path alone, which begins with "/" (/content/a.html); "GET /libs/granite/security/currentuser.json" begins with a method, as a /glob's request line does ("GET /content/a.html HTTP/1.1"), so it never matches; write /method "GET" /url "/libs/granite/security/currentuser.json"`,
      `${cfg.anyFile}:8:57: warning PITFALL_NEVER_MATCHES filter rule /0004 /extension: the extension is the word after the last dot (html in /content/a.model.html) and holds no dot, so ".json" never matches; write /extension "json"`,
      `${cfg.anyFile}:9:35: warning PITFALL_METHOD_CASE filter rule /0005 /method: methods are compared case-sensitively and clients send them in upper case, so "get" never matches a GET request (only a method sent in that very spelling); write /method "GET"`
    ])
    expect(r.stdout).toMatch(/^OK: .*dispatcher\.any/m)
  })
})
