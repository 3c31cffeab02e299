import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileFilter, decideFilter, evaluateFilter } from '../../../src/main/engine/pipeline/filter'

const WKND = '/work/shared/corpus/adobe__aem-guides-wknd/dispatcher/src'
const corpusDir = process.env.DW_CORPUS_DIR ?? '/work/shared/corpus'

describe('the request-path filter decision', () => {
  it('decides exactly like the full explanation for random requests against the WKND filters', () => {
    const cfg = loadConfig(WKND.replace('/work/shared/corpus', corpusDir))
    const filter = compileFilter(cfg.dispatcher.farms[0].filter)
    const segment = fc.constantFrom(
      'content',
      'wknd',
      'us',
      'en',
      'etc.clientlibs',
      'libs',
      'graphql',
      'execute.json',
      'crx',
      'de',
      'system',
      'console',
      'bin',
      'x.y'
    )
    const tail = fc.constantFrom(
      '',
      '.html',
      '.model.json',
      '.infinity.json',
      '.1.json',
      '.css',
      '.js',
      '.png',
      '.html/suffix.css',
      '.tidy.json',
      '.print.a.html',
      '.json'
    )
    const request = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'PUT'),
      url: fc.tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), tail).map(([s, t]) => '/' + s.join('/') + t),
      query: fc.constantFrom(null, '', 'debug=layout', 'a=1', 'wcmmode=disabled'),
      protocol: fc.constant('HTTP/1.1')
    })
    fc.assert(
      fc.property(request, (req) => {
        const full = evaluateFilter(filter, req)
        const fast = decideFilter(filter, req)
        expect(fast.decision).toBe(full.decision)
        expect(fast.rule?.label ?? null).toBe(full.decidingRule?.label ?? null)
      }),
      { numRuns: 3000 }
    )
  })
})
