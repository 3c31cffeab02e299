/**
 * The section walk (runtime/sections.ts) in httpd's merge order, and mod_expires' codes and
 * arithmetic (pipeline/expires.ts).
 */
import { describe, expect, it } from 'vitest'
import type { ApacheScope, VhostSettings } from '../../../src/shared/config-model'
import type { FileProbe } from '../../../src/main/engine/apache-expr'
import { emptySettings, type VhostSettingsWithList } from '../../../src/main/engine/config/apache/settings'
import { compileSections } from '../../../src/main/engine/runtime/sections'
import {
  expiresFrom,
  expiresRuleFor,
  mergeExpires,
  mergedCacheControl,
  parseExpiresCode
} from '../../../src/main/engine/pipeline/expires'

const pos = { file: '/conf/vhost.conf', line: 1, column: 1 }

function scope(kind: ApacheScope['kind'], arg: string, nested: ApacheScope[] = []): ApacheScope {
  const settings = emptySettings()
  settings.headers.push({ directive: 'Header', args: ['set', 'X-' + kind, arg], pos })
  settings.scopes.push(...nested)
  return { kind, arg, settings, pos }
}

function layer(...scopes: ApacheScope[]): VhostSettings {
  const s = emptySettings()
  s.scopes.push(...scopes)
  return s
}

const noDirs: FileProbe = { stat: () => null, readFile: () => null }
/** Everything exists: names with an extension are files, the rest folders. */
const everything: FileProbe = {
  stat: (p) => ({ kind: /\.\w+$/.test(p) ? 'file' : 'dir', size: 1, symlink: false, executable: false }),
  readFile: () => null
}

function walk(
  layers: VhostSettings[],
  uri: string,
  headers: Record<string, string> = {},
  probe: FileProbe = everything
): string[] {
  const sections = compileSections(layers, '/docroot', (s) => s.headers.length > 0)
  const w = sections!.walk({
    uri,
    filename: '/docroot' + uri,
    probe,
    exprContext: () => ({
      req: {
        method: 'GET',
        uri,
        query: '',
        protocol: 'HTTP/1.1',
        theRequest: `GET ${uri} HTTP/1.1`,
        headers,
        headerNames: Object.keys(headers),
        remoteAddr: '127.0.0.1',
        remotePort: 1,
        serverAddr: '127.0.0.1',
        serverPort: 80,
        https: false,
        serverName: 'localhost',
        documentRoot: '/docroot'
      },
      env: {}
    })
  })
  return w.scopes.map((s) => `${s.kind} ${s.arg}`)
}

describe('section walk order', () => {
  it('Directory by path depth (then file order), then Files, then Location, then If, whatever the file order', () => {
    const server = layer(scope('If', '%{REQUEST_URI} =~ m#^/a#'), scope('Location', '/a'))
    const vhost = layer(
      scope('Location', '/'),
      scope('FilesMatch', '\\.html$'),
      scope('Directory', '/docroot'),
      scope('Directory', '/')
    )
    expect(walk([server, vhost], '/a/b.html')).toEqual([
      'Directory /',
      'Directory /docroot',
      'FilesMatch \\.html$',
      'Location /a',
      'Location /',
      'If %{REQUEST_URI} =~ m#^/a#'
    ])
  })

  it('an <ElseIf>/<Else> applies only when nothing before it in its chain did', () => {
    const chain = [
      scope('If', "%{HTTP:X-A} == '1'"),
      scope('ElseIf', "%{HTTP:X-A} == '2'"),
      scope('Else', ''),
      scope('If', 'true')
    ]
    expect(walk([layer(...chain)], '/x', { 'x-a': '1' })).toEqual(["If %{HTTP:X-A} == '1'", 'If true'])
    expect(walk([layer(...chain)], '/x', { 'x-a': '2' })).toEqual(["ElseIf %{HTTP:X-A} == '2'", 'If true'])
    expect(walk([layer(...chain)], '/x', {})).toEqual(['Else ', 'If true'])
  })

  it('<Location> needs a segment boundary, <Files> nested in a matched <Directory> is walked with the files', () => {
    const v = layer(scope('Location', '/content/site'), scope('Directory', '/docroot', [scope('Files', 'page.html')]))
    expect(walk([v], '/content/site/page.html')).toEqual([
      'Directory /docroot',
      'Files page.html',
      'Location /content/site'
    ])
    expect(walk([v], '/content/siteother/x.html')).toEqual(['Directory /docroot'])
  })

  it('<Location> is a pattern only when apr_fnmatch_test says so: an unclosed `[` or an escaped `*` is a prefix', () => {
    const v = layer(scope('Location', '/a[b'), scope('Location', '/x\\*y'), scope('Location', '/c[d]'))
    expect(walk([v], '/a[b/foo')).toEqual(['Location /a[b'])
    expect(walk([v], '/x\\*y/foo')).toEqual(['Location /x\\*y'])
    expect(walk([v], '/x*y/foo')).toEqual([])
    expect(walk([v], '/cd')).toEqual(['Location /c[d]'])
    expect(walk([v], '/cd/foo')).toEqual([])
  })

  it('a <Directory> below the docroot that does not exist does not apply', () => {
    expect(walk([layer(scope('Directory', '/docroot/content/dam'))], '/content/dam/a.png', {}, noDirs)).toEqual([])
    expect(walk([layer(scope('Directory', '/docroot/content/dam'))], '/content/dam/a.png')).toEqual([
      'Directory /docroot/content/dam'
    ])
  })

  it('<Files> sees r->filename as the walk left it: the first missing component, not the page', () => {
    const v = layer(scope('FilesMatch', '\\.html$'), scope('DirectoryMatch', '^/docroot/content$'))
    expect(walk([v], '/content/site/page.html', {}, noDirs)).toEqual(['DirectoryMatch ^/docroot/content$'])
    expect(walk([v], '/content/site/page.html')).toEqual(['FilesMatch \\.html$'])
  })

  it('a wildcard <Directory> is tried against the folders walked, never a file', () => {
    const v = layer(scope('Directory', '/docroot/*'))
    expect(walk([v], '/index.html')).toEqual([])
    expect(walk([v], '/nope/x.html', {}, noDirs)).toEqual([])
    expect(walk([v], '/content/x.html')).toEqual(['Directory /docroot/*'])
  })

  it('nested <If>s are walked after every <If> of the level above (ap_if_walk, level by level)', () => {
    const v = layer(scope('If', 'true', [scope('If', '1 == 1')]), scope('If', '2 == 2'))
    expect(walk([v], '/x')).toEqual(['If true', 'If 2 == 2', 'If 1 == 1'])
  })
})

describe('mod_expires codes', () => {
  it('reads the A/M form as atoi, and the long form by the first letters of each unit', () => {
    expect(parseExpiresCode('A300')).toEqual({ base: 'A', seconds: 300 })
    expect(parseExpiresCode('M86400')).toEqual({ base: 'M', seconds: 86400 })
    expect(parseExpiresCode('access plus 1 month 2 days')).toEqual({ base: 'A', seconds: 32 * 86400 })
    expect(parseExpiresCode('now plus 1 yr')).toEqual({ base: 'A', seconds: 365 * 86400 })
    expect(parseExpiresCode('modification 2 mins 5 s')).toEqual({ base: 'M', seconds: 125 })
    expect(parseExpiresCode('access plus 3 fortnights')).toMatch(/unrecognised <type>/)
    expect(parseExpiresCode('later plus 1 day')).toMatch(/unrecognised <base>/)
    expect(parseExpiresCode('access plus one day')).toMatch(/numeric value expected/)
    expect(parseExpiresCode('access plus 1')).toMatch(/missing <type>/)
  })

  it('merges outer to inner: inner ExpiresByType wins for its type, ExpiresActive Off in a section turns it off', () => {
    const outer = emptySettings()
    const record = (s: VhostSettingsWithList, name: string, ...args: string[]): void => {
      s.otherList.push({ name, args, pos })
    }
    record(outer, 'ExpiresActive', 'On')
    record(outer, 'ExpiresByType', 'text/html', 'A300')
    record(outer, 'ExpiresByType', 'image/*', 'A600')
    const inner = emptySettings()
    record(inner, 'ExpiresByType', 'text/html', 'A60')
    const merged = mergeExpires([outer, inner])!
    const at = (type: string): number | undefined => {
      const rule = expiresRuleFor(merged, (n) => (n === 'content-type' ? type : undefined))
      return rule ? expiresFrom(rule, 0, undefined)?.maxAge : undefined
    }
    expect(at('text/html; charset=utf-8')).toBe(60)
    // The inner context, with a mod_expires directive of its own and no type/* entry, hides the
    // outer image/* rule (httpd's merge takes `wildcards` from it: test/httpd/expires-wildcards).
    expect(at('IMAGE/PNG')).toBeUndefined()
    expect(at('application/json')).toBeUndefined()
    // A context without mod_expires directives keeps it.
    const outerOnly = mergeExpires([outer, emptySettings()])!
    expect(expiresRuleFor(outerOnly, (n) => (n === 'content-type' ? 'IMAGE/PNG' : undefined))?.label).toMatch(
      /image\/\*/
    )
    const off = emptySettings()
    record(off, 'ExpiresActive', 'Off')
    expect(mergeExpires([outer, off])).toBeNull()
  })

  it('counts M from the file time, never below the request time, and merges max-age into Cache-Control', () => {
    const s = emptySettings()
    s.otherList.push({ name: 'ExpiresActive', args: ['On'], pos }, { name: 'ExpiresDefault', args: ['M60'], pos })
    const config = mergeExpires([s])!
    const rule = expiresRuleFor(config, () => undefined)!
    expect(expiresRuleFor(config, (n) => (n === 'expires' ? 'Thu, 01 Jan 2026 00:00:00 GMT' : undefined))).toBeNull()
    expect(expiresFrom(rule, 100_000, undefined)).toBeNull()
    expect(expiresFrom(rule, 100_000, 70_000)).toMatchObject({ maxAge: 30 })
    expect(expiresFrom(rule, 100_000, 10_000)).toEqual({ maxAge: 0, expires: new Date(100_000).toUTCString() })
    expect(mergedCacheControl('private', 30)).toBe('private, max-age=30')
    expect(mergedCacheControl(['a', 'b'], 1)).toBe('a, b, max-age=1')
  })
})
