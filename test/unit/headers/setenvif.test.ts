import { describe, expect, it } from 'vitest'
import { applySetEnv, compileSetEnv } from '../../../src/main/engine/pipeline/headers'
import { request } from '../apache-expr/fixtures'
import { setEnvDirectives } from './fixtures'

const run = (text: string, req = request(), env: Record<string, string> = {}) =>
  applySetEnv(setEnvDirectives(text), req, env)

describe('mod_setenvif', () => {
  it('SetEnvIfNoCase Request_URI sets every listed variable (to "1") when the regex matches', () => {
    const text = 'SetEnvIfNoCase Request_URI \\.(?:gif|jpe?g|png)$ no-gzip dont-vary'
    expect(run(text, request({ uri: '/content/dam/a.JPG' })).env).toEqual({ 'no-gzip': '1', 'dont-vary': '1' })
    expect(run(text, request({ uri: '/content/a.html' })).env).toEqual({})
  })

  it('$N in a value is the capture: the AEP segments cookie becomes a variable', () => {
    const text = 'SetEnvIfNoCase Cookie "(^| )aep-segments-membership=([^;]*)" AEP_SEGMENTS_MEMBERSHIP=$2'
    const r = run(text, request({ headers: { host: 'h', cookie: 'a=1; aep-segments-membership=seg1,seg2; b=2' } }))
    expect(r.env).toEqual({ AEP_SEGMENTS_MEMBERSHIP: 'seg1,seg2' })
  })

  it('a header-name regex (^Origin$) reads the matching header; an absent header is tested as ""', () => {
    const text = 'SetEnvIfNoCase ^Origin$ ^(.*)$ CORSTrustedOrigin=$1'
    expect(run(text, request({ headers: { host: 'h', origin: 'https://a.example' } })).env).toEqual({
      CORSTrustedOrigin: 'https://a.example'
    })
    expect(run(text).env).toEqual({ CORSTrustedOrigin: '' })
  })

  it('SetEnvIf (not NoCase) compares header names as the client spelled them', () => {
    const req = request({ headers: { host: 'h', origin: 'o' }, headerNames: ['Host', 'Origin'] })
    expect(run('SetEnvIf ^origin$ . seen', req).env).toEqual({})
    expect(run('SetEnvIf ^Origin$ . seen', req).env).toEqual({ seen: '1' })
  })

  it('a plain attribute is a request header, else an environment variable of that name', () => {
    const req = request({ headers: { host: 'h', 'user-agent': 'Azure Traffic Manager Endpoint Monitor' } })
    expect(run('SetEnvIf User-agent .*Azure\\sTraffic\\sManager.* trafficmanager', req).env).toEqual({
      trafficmanager: '1'
    })
    expect(run('SetEnvIf flag ^on$ flagged', request(), { flag: 'on' }).env).toEqual({ flag: 'on', flagged: '1' })
  })

  it('a pattern without regex characters is a substring test and its values stay literal', () => {
    const req = request({ uri: '/content/dam/assetdownload/x' })
    expect(run('SetEnvIf Request_URI assetdownload why=$1', req).env).toEqual({ why: '$1' })
  })

  it('"!var" and "var=!…" unset a variable', () => {
    expect(run('SetEnvIf Request_METHOD GET !a b=!x', request(), { a: '1', b: '2', c: '3' }).env).toEqual({ c: '3' })
  })

  it('SetEnvIfExpr sets variables when the expression holds, with $N from its regex', () => {
    const req = request({ headers: { host: 'wknd.site' } })
    expect(run('SetEnvIfExpr "%{HTTP_HOST} =~ /(.*)/ " ParsedHost=$1', req).env).toEqual({ ParsedHost: 'wknd.site' })
  })

  it('directives see the variables earlier ones set', () => {
    const text = [
      "SetEnvIfExpr \"req_novary('Origin') != ''\" CORSProcessing=true CORSTrusted=false",
      "SetEnvIfExpr \"env('CORSProcessing') == 'true' && req_novary('Origin') =~ m#(https://cdpn\\.io$)#\" CORSTrusted=true"
    ].join('\n')
    const r = run(text, request({ headers: { host: 'h', origin: 'https://cdpn.io' } }))
    expect(r.env).toEqual({ CORSProcessing: 'true', CORSTrusted: 'true' })
    expect(r.vary).toEqual([])
  })

  it("variable names are case-insensitive, like Apache's tables", () => {
    expect(run('SetEnvIf Request_URI . Foo=2', request(), { FOO: '1' }).env).toEqual({ FOO: '2' })
  })

  it('the trace shows the attribute, the value tested and what was set', () => {
    const r = run('SetEnvIfNoCase Request_URI \\.png$ no-gzip', request({ uri: '/a.png' }))
    expect(r.trace.entries[0]).toMatchObject({
      attribute: 'Request_URI',
      subject: '/a.png',
      matched: true,
      set: [{ name: 'no-gzip', value: '1' }]
    })
  })

  it('a directive without a variable, a bad regex or a bad expression is a problem and is skipped', () => {
    const c = compileSetEnv(
      setEnvDirectives(
        ['SetEnvIf Request_URI x', 'SetEnvIf Request_URI (a x=1', 'SetEnvIfExpr "%{NOPE} == 1" x=1'].join('\n')
      )
    )
    expect(c.problems.map((p) => p.code)).toEqual(['SETENVIF_BAD_ARGS', 'SETENVIF_BAD_REGEX', 'SETENVIF_BAD_EXPR'])
    expect(c.entries).toEqual([])
  })
})
