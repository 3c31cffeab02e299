import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnyItem } from '../../../../src/main/engine/config/any/ast'
import { block, child, codes, parseFile, parseText, shape } from './helpers'

const CORPUS = '/work/shared/corpus'
const DOT = `${CORPUS}/adobe__aem-dispatcher-optimizer-tool/core/src/test/resources/com/adobe/aem/dot/dispatcher/core`
const WKND = `${CORPUS}/adobe__aem-guides-wknd/dispatcher/src/conf.dispatcher.d/dispatcher.any`
const ARCHETYPE = `${CORPUS}/adobe__aem-project-archetype/src/main/archetype/dispatcher.cloud/src/conf.dispatcher.d/dispatcher.any`
/** The variables the AEMaaCS runtime provides to the baseline farm (dispatcher-behavior.md §1.4). */
const CLOUD_ENV = { DOCROOT: '/mnt/var/www/html', AEM_HOST: 'localhost', AEM_PORT: '4503', AEM_IP: '10.0.0.1' }

function names(items: AnyItem[]): (string | null)[] {
  return items.map((i) => (i.kind === 'string' ? i.value : i.name))
}

describe('DOT broken fixtures (MANIFEST §5a)', () => {
  it('parser/binary_any_file: a PNG renamed dispatcher.any is an error and an empty document', () => {
    const { doc, sink } = parseFile(`${DOT}/parser/binary_any_file/dispatcher.any`)
    expect(codes(sink)).toEqual(['ANY_BINARY_FILE'])
    expect(doc.items).toEqual([])
  })

  it('parser/no_ending_brace: unclosed braces are reported and the farm /author1 still has 2 client headers', () => {
    const { doc, sink } = parseFile(`${DOT}/parser/no_ending_brace/dispatcher.any`)
    expect(codes(sink).sort()).toEqual([
      'ANY_EMPTY_NAME',
      'ANY_UNCLOSED_BRACE',
      'ANY_UNCLOSED_BRACE',
      'ANY_UNCLOSED_BRACE'
    ])
    expect(child(doc.items, 'name')).toMatchObject({ kind: 'property', value: { value: 'test config' } })
    const farms = block(doc.items, 'farms')
    expect(names(farms)).toEqual(['author1'])
    expect(shape(block(block(farms, 'author1'), 'clientheaders'))).toEqual([{ str: '*' }, { str: 'Cache-Control' }])
  })

  it('resolver: the self-including infinite.any stops with INCLUDE_LOOP and keeps its list items once', () => {
    const { doc, sink } = parseFile(`${DOT}/resolver/dispatcher.any`)
    expect(codes(sink)).toEqual(['INCLUDE_LOOP'])
    expect(sink.items[0].severity).toBe('error')
    const headers = block(block(block(doc.items, 'farms'), 'publish'), 'clientheaders')
    expect(names(headers)).toEqual([
      '*',
      'Cache-Control',
      'another string',
      'yet another',
      'over and over',
      'under and under'
    ])
    expect(doc.files.map((f) => path.basename(f))).toEqual(['dispatcher.any', 'infinite.any'])
  })

  it('model/vanity_urls: /delay # new line ⏎ 350# Confuse this gives delay 350', () => {
    const { doc, sink } = parseFile(`${DOT}/model/vanity_urls/dispatcher.any`)
    expect(sink.items).toEqual([])
    const vanity = block(block(block(doc.items, 'farms'), 'vanity_urls_farm'), 'vanity_urls')
    expect(shape(vanity)).toEqual([
      { prop: 'url', value: '/libs/granite/dispatcher/content/very_vane.html' },
      { prop: 'file', value: '/tmp/conceited' },
      { prop: 'delay', value: '350' },
      { prop: 'unknowntoken', value: '1' }
    ])
  })

  it("model/rule: 2 farms, an include inside /cache supplies 4 rules, the 2nd with unquoted glob /en/news/'*?lang=en", () => {
    const { doc, sink } = parseFile(`${DOT}/model/rule/dispatcher.any`)
    expect(sink.items).toEqual([])
    const farms = block(doc.items, 'farms')
    expect(names(farms)).toEqual(['rules_farm', 'rules_farm2'])
    const cache = block(block(farms, 'rules_farm'), 'cache')
    expect(names(cache)).toEqual(['docroot', 'statfile', 'allowAuthorized', 'junk', 'rules'])
    expect(child(cache, 'statfile')).toMatchObject({ value: { value: '/tmp/dispatcher-website.stat?lang=en' } })
    const rules = block(cache, 'rules')
    expect(names(rules)).toEqual(['0000', 'stout', 'notype', null])
    expect(shape(block(rules, 'stout'))).toEqual([
      { prop: 'glob', value: "/en/news/'*?lang=en" },
      { prop: 'type', value: 'deny' }
    ])
    expect(shape(block(rules, 'notype'))).toEqual([{ prop: 'method', value: 'get' }])
    expect(block(farms, 'rules_farm2')).toEqual([])
    expect(rules[1].pos).toEqual({ file: `${DOT}/model/rule/rules.any`, line: 5, column: 44 })
  })

  it('model/farm/empty2: /empty_farm is a label without a block, followed by the real farm', () => {
    const { doc, sink } = parseFile(`${DOT}/model/farm/empty2/dispatcher.any`)
    expect(sink.items).toEqual([])
    const farms = block(doc.items, 'farms')
    expect(farms.map((f) => f.kind)).toEqual(['empty', 'block'])
    expect(names(farms)).toEqual(['empty_farm', 'not_empty_farm'])
    const renders = block(block(farms, 'not_empty_farm'), 'renders')
    expect(names(renders)).toEqual(['myRenderer', 'mySecondRenderer'])
    expect(child(block(renders, 'mySecondRenderer'), 'receiveTimeout')).toMatchObject({ value: { value: '10' } })
  })

  it('model/farm (simple.any): root is a lone $include; /health_check { /glob /health_check.html?lang=en } is a property', () => {
    const { doc, sink } = parseFile(`${DOT}/model/farm/dispatcher.any`)
    expect(codes(sink).filter((c) => c !== 'VAR_UNDEFINED')).toEqual([])
    const farm = block(doc.items, 'farms')[0]
    expect(farm.kind).toBe('block')
    const farmItems = farm.kind === 'block' ? farm.items : []
    expect(shape(block(farmItems, 'health_check'))).toEqual([{ prop: 'glob', value: '/health_check.html?lang=en' }])
    expect(child(farmItems, 'numberOfRetries')).toMatchObject({ value: { value: '10', quote: 'bare' } })
  })
})

describe('real AEMaaCS configurations', () => {
  it('WKND parses without diagnostics, splicing farm, filters, cache rules and marketing parameters', () => {
    const { doc, sink } = parseFile(WKND, CLOUD_ENV)
    expect(sink.items).toEqual([])
    const farms = block(doc.items, 'farms')
    expect(names(farms)).toEqual(['publishfarm'])
    const farm = block(farms, 'publishfarm')
    expect(block(farm, 'clientheaders')).toHaveLength(36)
    expect(block(farm, 'filter')).toHaveLength(42)
    const cache = block(farm, 'cache')
    expect(child(cache, 'docroot')).toMatchObject({ value: { value: '/mnt/var/www/html', raw: '${DOCROOT}' } })
    const ignore = block(cache, 'ignoreUrlParams')
    expect(ignore).toHaveLength(13)
    expect(ignore[0].pos.file).toMatch(/available_farms\/wknd\.farm$|enabled_farms\/wknd\.farm$/)
    expect(ignore[1].pos.file).toMatch(/cache\/marketing_query_parameters\.any$/)
    expect(block(cache, 'headers')).toHaveLength(12)
    const renderHost = child(block(block(farm, 'renders'), '0'), 'hostname')
    expect(renderHost).toMatchObject({ value: { value: 'localhost', raw: '${AEM_HOST}' } })
    expect(doc.files[0]).toBe(WKND)
    expect(doc.files).toHaveLength(13)
    expect(doc.globDirs).toEqual([
      {
        dir: path.join(path.dirname(WKND), 'enabled_farms'),
        pattern: path.join(path.dirname(WKND), 'enabled_farms/*.farm')
      }
    ])
  })

  it('WKND without the runtime variables warns VAR_UNDEFINED for ${DOCROOT}, ${AEM_HOST}, ${AEM_PORT}, ${AEM_IP} only', () => {
    const { sink } = parseFile(WKND)
    expect(sink.items.every((d) => d.code === 'VAR_UNDEFINED' && d.severity === 'warning')).toBe(true)
    expect(sink.items.map((d) => d.message.match(/\$\{(\w+)\}/)?.[1]).sort()).toEqual([
      'AEM_HOST',
      'AEM_IP',
      'AEM_PORT',
      'DOCROOT'
    ])
  })

  it('the archetype cloud baseline parses without diagnostics: 32 filter rules with 22 regex values, 3 invalidate rules, 6 headers', () => {
    const { doc, sink } = parseFile(ARCHETYPE, CLOUD_ENV)
    expect(sink.items).toEqual([])
    const farm = block(block(doc.items, 'farms'), 'publishfarm')
    const filter = block(farm, 'filter')
    expect(filter).toHaveLength(32)
    const regexValues = filter
      .flatMap((r) => (r.kind === 'block' ? r.items : []))
      .filter((p) => p.kind === 'property' && p.value.quote === 'single')
    expect(regexValues).toHaveLength(22)
    const cache = block(farm, 'cache')
    expect(child(cache, 'statfileslevel')).toMatchObject({ value: { value: '2' } })
    expect(block(cache, 'invalidate')).toHaveLength(3)
    expect(block(cache, 'headers')).toHaveLength(6)
  })

  it('parsing WKND is fast: well under 1 ms per KB of configuration', () => {
    const bytes = parseFile(WKND, CLOUD_ENV).doc.files.reduce((n, f) => n + fs.statSync(f).size, 0)
    const runs = 20
    const started = performance.now()
    for (let k = 0; k < runs; k++) parseFile(WKND, CLOUD_ENV)
    const msPerKb = (performance.now() - started) / runs / (bytes / 1024)
    expect(msPerKb).toBeLessThan(0.5)
  })

  it('the lexer and parser alone handle 1 MB of rules in well under a second', () => {
    const rule = '/0001 { /type "deny" /url "/content/*" /method \'(GET|HEAD)\' } # a comment { " \'\n'
    const text = `/filter {\n${rule.repeat(Math.ceil(1_048_576 / rule.length))}}\n`
    const started = performance.now()
    const { doc, sink } = parseText(text)
    const ms = performance.now() - started
    expect(sink.items).toEqual([])
    expect(block(doc.items, 'filter').length).toBeGreaterThan(10_000)
    expect(ms).toBeLessThan(1000)
  })
})
