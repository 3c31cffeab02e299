import { describe, expect, it } from 'vitest'
import type { RewriteMapDef } from '../../../src/shared/config-model'
import {
  applyRewrites,
  compileRewriteRules,
  loadRewriteMaps,
  parseTextMap
} from '../../../src/main/engine/pipeline/rewrite'
import { request } from '../apache-expr/fixtures'
import { context, parseRewriteLines } from './fixtures'

const pos = { file: '/conf.d/maps.conf', line: 1, column: 1 }
const files: Record<string, string> = {
  '/maps/redirects.txt': [
    '# comment',
    '/old-page  /new-page',
    '  /indented  /never-read',
    '/old-page  /second-entry-ignored',
    '/no-value',
    '/many  /a|/b|/c'
  ].join('\n')
}
const readFile = (p: string): string | null => files[p] ?? null

function setup(text: string, pick?: (n: number) => number) {
  const { rules, maps } = parseRewriteLines(text)
  const loaded = loadRewriteMaps(maps, { readFile, pick })
  const compiled = compileRewriteRules(rules, maps)
  return {
    loaded,
    compiled,
    run: (uri: string) => applyRewrites(compiled, request({ uri }), context({ maps: loaded.maps }))
  }
}

describe('RewriteMap', () => {
  it('a txt: file is read like mod_rewrite: comments and indented lines skipped, first key wins, value is one word', () => {
    expect([...parseTextMap(files['/maps/redirects.txt'])]).toEqual([
      ['/old-page', '/new-page'],
      ['/many', '/a|/b|/c']
    ])
  })

  it('${map:key|default} uses the map value, else the default', () => {
    const { run } = setup(
      ['RewriteMap r txt:/maps/redirects.txt', 'RewriteRule ^(/.*)$ ${r:$1|/fallback} [PT]'].join('\n')
    )
    expect(run('/old-page').uri).toBe('/new-page')
    expect(run('/unknown').uri).toBe('/fallback')
  })

  it('without a default a missing key expands to the empty string', () => {
    const { run } = setup(['RewriteMap r txt:/maps/redirects.txt', 'RewriteRule ^(/.*)$ /x${r:$1} [PT]'].join('\n'))
    expect(run('/unknown').uri).toBe('/x')
    expect(run('/unknown').trace.log).toContain("rewrite '/unknown' -> '/x'")
  })

  it('rnd: picks one of the "|" alternatives (the chooser is injectable)', () => {
    const { run } = setup(
      ['RewriteMap r rnd:/maps/redirects.txt', 'RewriteRule ^(/.*)$ ${r:$1} [PT]'].join('\n'),
      () => 2
    )
    expect(run('/many').uri).toBe('/c')
    expect(run('/many').trace.rules[0].note).toContain('chose alternative 3 of 3')
  })

  it('int:tolower lowercases: the We.Retail "make everything lowercase" redirect', () => {
    const { run } = setup(
      [
        'RewriteMap lowercase int:tolower',
        'RewriteCond $1 [A-Z]',
        'RewriteRule ^/(.*)$ /${lowercase:$1} [L,R=301,NE]'
      ].join('\n')
    )
    expect(run('/Content/We-Retail.html')).toMatchObject({
      action: 'redirect',
      status: 301,
      location: 'http://publish.example.com/content/we-retail.html'
    })
    expect(run('/content/we-retail.html').action).toBe('none')
  })

  it("int:escape and int:unescape use Apache's URL escaping (a literal % is written \\%)", () => {
    const { run } = setup(
      [
        'RewriteMap esc int:escape',
        'RewriteMap unesc int:unescape',
        'RewriteRule ^/e/(.*)$ /${esc:$1}/${unesc:a\\%2Fb} [PT]'
      ].join('\n')
    )
    expect(run('/e/a b?').uri).toBe('/a%20b%3f/a/b')
  })

  it('prg: maps are reported as unsupported and their lookups find nothing', () => {
    const { loaded, run } = setup(
      ['RewriteMap p prg:/usr/local/bin/map.pl', 'RewriteRule ^/(.*)$ /${p:$1|dflt} [PT]'].join('\n')
    )
    expect(loaded.problems).toMatchObject([{ severity: 'warning', code: 'REWRITE_MAP_UNSUPPORTED' }])
    const r = run('/x')
    expect(r.uri).toBe('/dflt')
    expect(r.trace.rules[0].note).toContain('prg: maps run an external program')
  })

  it('a missing txt: file is the startup error Apache reports', () => {
    const defs: RewriteMapDef[] = [{ name: 'm', type: 'txt', source: '/maps/missing.txt', pos }]
    expect(loadRewriteMaps(defs, { readFile }).problems).toMatchObject([
      {
        severity: 'error',
        code: 'REWRITE_MAP_FILE_MISSING',
        message: 'RewriteMap: file for map m not found:/maps/missing.txt'
      }
    ])
  })

  it('an undefined map is a warning at compile time and an empty lookup at run time', () => {
    const { compiled, run } = setup('RewriteRule ^/(.*)$ /${nomap:$1|d} [PT]')
    expect(compiled.problems).toMatchObject([{ code: 'REWRITE_UNDEFINED_MAP' }])
    expect(run('/x').uri).toBe('/d')
  })

  it('"${NAME}" without a colon is not a map lookup: an unexpanded Define stays literal', () => {
    const { run } = setup('RewriteRule ^/?$ /content/${CONTENT_FOLDER_NAME}/${country}/${language}.html [PT,L]')
    expect(run('/').uri).toBe('/content/${CONTENT_FOLDER_NAME}/${country}/${language}.html')
  })
})
