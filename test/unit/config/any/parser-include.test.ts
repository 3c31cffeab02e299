import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DiagnosticSink } from '../../../../src/shared/diagnostics'
import { parseAnyText } from '../../../../src/main/engine/config/any/parser'
import { VariableScope } from '../../../../src/main/engine/config/variables'
import { block, codes, parseFile, parseText, removeTree, shape, tempTree } from './helpers'

const made: string[] = []
function tree(files: Record<string, string | Buffer>): string {
  const dir = tempTree(files)
  made.push(dir)
  return dir
}
afterEach(() => {
  while (made.length) removeTree(made.pop()!)
})

describe('$include', () => {
  it('splices the included items in place, with positions in the included file', () => {
    const dir = tree({
      'dispatcher.any': '/farms {\n  $include "farm.any"\n  /last { }\n}\n',
      'farm.any': '/publish {\n  /renders { /0 { /hostname "h" } }\n}\n'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items).toEqual([])
    expect(shape(block(doc.items, 'farms')).map((s) => ('block' in s ? s.block : s))).toEqual(['publish', 'last'])
    expect(block(doc.items, 'farms')[0].pos).toEqual({ file: path.join(dir, 'farm.any'), line: 1, column: 1 })
    expect(doc.files).toEqual([path.join(dir, 'dispatcher.any'), path.join(dir, 'farm.any')])
  })

  it("relative paths resolve against the including file's folder (farm → ../filters/filters.any → ./default_filters.any)", () => {
    const dir = tree({
      'dispatcher.any': '/farms { $include "enabled_farms/*.farm" }',
      'enabled_farms/default.farm': '/publishfarm { /filter { $include "../filters/filters.any" } }',
      'filters/filters.any': '$include "./default_filters.any"\n/0100 { /type "allow" /url "/x" }',
      'filters/default_filters.any': '/0001 { /type "deny" /url "*" }'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items).toEqual([])
    const filter = block(block(block(doc.items, 'farms'), 'publishfarm'), 'filter')
    expect(filter.map((i) => i.kind === 'block' && i.name)).toEqual(['0001', '0100'])
    expect(doc.files.map((f) => path.relative(dir, f))).toEqual([
      'dispatcher.any',
      'enabled_farms/default.farm',
      'filters/filters.any',
      'filters/default_filters.any'
    ])
  })

  it('a path not found beside the including file falls back to the root folder with warning INCLUDE_FALLBACK_ROOT naming both paths', () => {
    const dir = tree({
      'dispatcher.any': '/farms { $include "enabled_farms/a_farm.any" }',
      'enabled_farms/a_farm.any': '/a { /clientheaders { $include "clientheaders/h.any" } }',
      'clientheaders/h.any': '"host"'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(codes(sink)).toEqual(['INCLUDE_FALLBACK_ROOT'])
    expect(sink.items[0].severity).toBe('warning')
    expect(sink.items[0].message).toContain(path.join(dir, 'enabled_farms/clientheaders/h.any'))
    expect(sink.items[0].message).toContain(path.join(dir, 'clientheaders/h.any'))
    expect(shape(block(block(block(doc.items, 'farms'), 'a'), 'clientheaders'))).toEqual([{ str: 'host' }])
  })

  it('the fallback folder can be given explicitly with rootDir', () => {
    const dir = tree({ 'conf/dispatcher.any': '$include "shared/x.any"', 'project/shared/x.any': '/x "1"' })
    const { doc, sink } = parseFile(path.join(dir, 'conf/dispatcher.any'), {}, { rootDir: path.join(dir, 'project') })
    expect(codes(sink)).toEqual(['INCLUDE_FALLBACK_ROOT'])
    expect(shape(doc.items)).toEqual([{ prop: 'x', value: '1' }])
  })

  it('absolute include paths are used as they are', () => {
    const dir = tree({ 'abs/x.any': '/x "1"' })
    const { doc, sink } = parseText(`$include "${path.join(dir, 'abs/x.any')}"`)
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([{ prop: 'x', value: '1' }])
  })

  it('single-quoted and bare include paths work too', () => {
    const dir = tree({ 'dispatcher.any': "$include 'a.any'\n$include b.any", 'a.any': '"a"', 'b.any': '"b"' })
    expect(shape(parseFile(path.join(dir, 'dispatcher.any')).doc.items)).toEqual([{ str: 'a' }, { str: 'b' }])
  })

  it('a glob includes matching files in sorted order (000_ before 100_ before 999_) and its folder is watched', () => {
    const dir = tree({
      'dispatcher.any': '/farms { $include "enabled_farms/*_farm.any" }',
      'enabled_farms/999_publish_farm.any': '/publish { }',
      'enabled_farms/000_author_farm.any': '/author { }',
      'enabled_farms/100_lc_farm.any': '/lc { }',
      'enabled_farms/README': 'not a farm'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items).toEqual([])
    expect(block(doc.items, 'farms').map((i) => i.kind === 'block' && i.name)).toEqual(['author', 'lc', 'publish'])
    expect(doc.globDirs).toEqual([
      { dir: path.join(dir, 'enabled_farms'), pattern: path.join(dir, 'enabled_farms/*_farm.any') }
    ])
  })

  it('a glob matching nothing warns INCLUDE_GLOB_EMPTY and records its folder and pattern in globDirs', () => {
    const dir = tree({ 'dispatcher.any': '/farms {\n  $include "enabled_farms/*.farm"\n}', 'enabled_farms/.keep': '' })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['INCLUDE_GLOB_EMPTY', 'warning', 2, 3]
    ])
    expect(shape(doc.items)).toEqual([{ block: 'farms', items: [] }])
    expect(doc.globDirs).toContainEqual({
      dir: path.join(dir, 'enabled_farms'),
      pattern: path.join(dir, 'enabled_farms/*.farm')
    })
  })

  it('a missing include is an error INCLUDE_MISSING at the $include position; the rest still parses', () => {
    const dir = tree({ 'dispatcher.any': '/a "1"\n  $include "nope.any"\n/b "2"' })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity, d.category, d.pos?.line, d.pos?.column])).toEqual([
      ['INCLUDE_MISSING', 'error', 'include', 2, 3]
    ])
    expect(shape(doc.items)).toEqual([
      { prop: 'a', value: '1' },
      { prop: 'b', value: '2' }
    ])
  })

  it('${VAR} is substituted in include paths (dispatcher_${INSTANCE_TYPE}_farm.any)', () => {
    const dir = tree({
      'dispatcher.any': '$include "dispatcher_${INSTANCE_TYPE}_farm.any"',
      'dispatcher_publish_farm.any': '/publish { }'
    })
    const ok = parseFile(path.join(dir, 'dispatcher.any'), { INSTANCE_TYPE: 'publish' })
    expect(ok.sink.items).toEqual([])
    expect(shape(ok.doc.items)).toEqual([{ block: 'publish', items: [] }])
    const undef = parseFile(path.join(dir, 'dispatcher.any'))
    expect(codes(undef.sink)).toEqual(['VAR_UNDEFINED', 'INCLUDE_MISSING'])
  })

  it('includes may appear in list blocks mixed with literal entries, several times in one block', () => {
    const dir = tree({
      'dispatcher.any':
        '/ignoreUrlParams { /0001 { /glob "*" /type "deny" } $include "m.any" }\n/clientheaders { "A" $include "h.any" "B" $include "h.any" }',
      'm.any': '/0002 { /glob "utm_*" /type "allow" } # comment after a rule',
      'h.any': '"H"'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items).toEqual([])
    expect(block(doc.items, 'ignoreUrlParams').map((i) => i.kind === 'block' && i.name)).toEqual(['0001', '0002'])
    expect(shape(block(doc.items, 'clientheaders'))).toEqual([{ str: 'A' }, { str: 'H' }, { str: 'B' }, { str: 'H' }])
    expect(doc.files.map((f) => path.basename(f))).toEqual(['dispatcher.any', 'm.any', 'h.any'])
  })

  it('a file without a trailing newline does not fuse with the next token of the including file', () => {
    const dir = tree({
      'dispatcher.any': '/v {\n$include "layer.any"\n"after" }',
      'layer.any': '"dispatcher-*" # no newline'
    })
    const { doc } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(shape(block(doc.items, 'v'))).toEqual([{ str: 'dispatcher-*' }, { str: 'after' }])
    const dir2 = tree({ 'dispatcher.any': '/cache { $include "c.any"\n "x" }', 'c.any': '/docroot' })
    expect(shape(parseFile(path.join(dir2, 'dispatcher.any')).doc.items)).toEqual([
      { block: 'cache', items: [{ empty: 'docroot' }, { str: 'x' }] }
    ])
  })

  it('a brace left open in an included file is reported there and closed at its end', () => {
    const dir = tree({ 'dispatcher.any': '/farms { $include "f.any" /after { } }', 'f.any': '/farm {\n /x "1"' })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, path.basename(d.pos!.file), d.pos?.line])).toEqual([
      ['ANY_UNCLOSED_BRACE', 'f.any', 1]
    ])
    expect(block(doc.items, 'farms').map((i) => i.kind === 'block' && i.name)).toEqual(['farm', 'after'])
  })

  it('a binary include is an error ANY_BINARY_FILE and a non-UTF-8 one ANY_NOT_UTF8, both at the $include', () => {
    const dir = tree({
      'dispatcher.any': '$include "img.any"\n$include "latin1.any"\n/ok "1"',
      'img.any': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
      'latin1.any': Buffer.from([0x2f, 0x61, 0x20, 0x22, 0xe9, 0x22])
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity, d.pos?.line])).toEqual([
      ['ANY_BINARY_FILE', 'error', 1],
      ['ANY_NOT_UTF8', 'error', 2]
    ])
    expect(shape(doc.items)).toEqual([{ prop: 'ok', value: '1' }])
  })

  it('including a directory is an error INCLUDE_MISSING', () => {
    const dir = tree({ 'dispatcher.any': '$include "sub"', 'sub/x.any': '' })
    const { sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['INCLUDE_MISSING', 'error']])
    expect(sink.items[0].message).toContain('directory')
  })

  it('a file including itself is an error INCLUDE_LOOP reported once, and its other items are kept', () => {
    const dir = tree({
      'dispatcher.any': '/clientheaders { "*" $include "infinite.any" }',
      'infinite.any': '"another string"\n$include "infinite.any"\n"under and under"'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity, path.basename(d.pos!.file), d.pos?.line])).toEqual([
      ['INCLUDE_LOOP', 'error', 'infinite.any', 2]
    ])
    expect(shape(block(doc.items, 'clientheaders'))).toEqual([
      { str: '*' },
      { str: 'another string' },
      { str: 'under and under' }
    ])
  })

  it('an include loop through a chain names the whole chain', () => {
    const dir = tree({ 'dispatcher.any': '$include "a.any"', 'a.any': '$include "b.any"', 'b.any': '$include "a.any"' })
    const { sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(codes(sink)).toEqual(['INCLUDE_LOOP'])
    expect(sink.items[0].message).toContain(
      `${path.join(dir, 'a.any')} → ${path.join(dir, 'b.any')} → ${path.join(dir, 'a.any')}`
    )
  })

  it('a file reaching itself under another name (a symlink) is still a loop', () => {
    const dir = tree({ 'dispatcher.any': '$include "a.any"', 'a.any': '$include "link.any"' })
    fs.symlinkSync(path.join(dir, 'a.any'), path.join(dir, 'link.any'))
    expect(codes(parseFile(path.join(dir, 'dispatcher.any')).sink)).toEqual(['INCLUDE_LOOP'])
  })

  it('includes nested deeper than maxIncludeDepth stop with INCLUDE_LIMIT', () => {
    const files: Record<string, string> = { 'dispatcher.any': '$include "l1.any"' }
    for (let k = 1; k <= 8; k++) files[`l${k}.any`] = `"l${k}"\n$include "l${k + 1}.any"`
    files['l9.any'] = '"l9"'
    const dir = tree(files)
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'), {}, { maxIncludeDepth: 5 })
    expect(codes(sink)).toEqual(['INCLUDE_LIMIT'])
    expect(shape(doc.items)).toEqual([{ str: 'l1' }, { str: 'l2' }, { str: 'l3' }, { str: 'l4' }, { str: 'l5' }])
  })

  it('an include bomb (each file including the next twice) stops at maxIncludes with one INCLUDE_LIMIT', () => {
    const files: Record<string, string> = { 'dispatcher.any': '$include "b0.any"' }
    for (let k = 0; k < 30; k++) files[`b${k}.any`] = `$include "b${k + 1}.any"\n$include "b${k + 1}.any"`
    files['b30.any'] = '"leaf"'
    const dir = tree(files)
    const started = Date.now()
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'), {}, { maxIncludes: 500 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(codes(sink)).toEqual(['INCLUDE_LIMIT'])
    expect(doc.items.length).toBeLessThan(500)
    expect(doc.files.length).toBe(32)
  })

  it('a file included twice is listed once in files and its diagnostics are not repeated', () => {
    const dir = tree({ 'dispatcher.any': '/a { $include "x.any" }\n/b { $include "x.any" }', 'x.any': '/v "${UNSET}"' })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(doc.files.map((f) => path.basename(f))).toEqual(['dispatcher.any', 'x.any'])
    expect(codes(sink)).toEqual(['VAR_UNDEFINED'])
    expect(shape(doc.items)).toEqual([
      { block: 'a', items: [{ prop: 'v', value: '${UNSET}' }] },
      { block: 'b', items: [{ prop: 'v', value: '${UNSET}' }] }
    ])
  })

  it('a Windows symlink stand-in (a text file holding the target path) is followed', () => {
    const dir = tree({
      'dispatcher.any': '/farms { $include "enabled_farms/*.farm" }',
      'available_farms/default.farm': '/publishfarm { }',
      'enabled_farms/default.farm': '../available_farms/default.farm'
    })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([{ block: 'farms', items: [{ block: 'publishfarm', items: [] }] }])
    expect(doc.files).toContain(path.join(dir, 'available_farms/default.farm'))
  })
})

describe('include hooks for the SDK and AMS layouts', () => {
  it('mapAbsolute maps absolute include paths (/etc/httpd/…) onto the local tree, globs included', () => {
    const dir = tree({
      'conf.dispatcher.d/dispatcher.any':
        '$include "/etc/httpd/conf.dispatcher.d/a.any"\n$include "/etc/httpd/conf.dispatcher.d/filters/*.any"',
      'conf.dispatcher.d/a.any': '/a "1"',
      'conf.dispatcher.d/filters/f1.any': '/f1 "1"'
    })
    const mapAbsolute = (p: string): string => p.replace(/^\/etc\/httpd/, dir)
    const { doc, sink } = parseFile(path.join(dir, 'conf.dispatcher.d/dispatcher.any'), {}, { mapAbsolute })
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([
      { prop: 'a', value: '1' },
      { prop: 'f1', value: '1' }
    ])
    expect(doc.globDirs).toEqual([
      { dir: path.join(dir, 'conf.dispatcher.d/filters'), pattern: path.join(dir, 'conf.dispatcher.d/filters/*.any') }
    ])
  })

  it('fallbackFile supplies a file the project lacks (an SDK runtime file), reported as info INCLUDE_BUILTIN', () => {
    const dir = tree({
      'src/conf.dispatcher.d/dispatcher.any': '/renders { $include "renders/default_renders.any" }',
      'builtin/default_renders.any': '/0 { /hostname "${AEM_HOST}" $include "./more.any" }',
      'src/conf.dispatcher.d/renders/more.any': '/port "4503"'
    })
    const project = path.join(dir, 'src/conf.dispatcher.d/renders/default_renders.any')
    const fallbackFile = (p: string): string | undefined =>
      p === project ? path.join(dir, 'builtin/default_renders.any') : undefined
    const { doc, sink } = parseFile(
      path.join(dir, 'src/conf.dispatcher.d/dispatcher.any'),
      { AEM_HOST: 'h' },
      { fallbackFile }
    )
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['INCLUDE_BUILTIN', 'info']])
    expect(shape(doc.items)).toEqual([
      {
        block: 'renders',
        items: [
          {
            block: '0',
            items: [
              { prop: 'hostname', value: 'h' },
              { prop: 'port', value: '4503' }
            ]
          }
        ]
      }
    ])
  })
})

describe('root file', () => {
  it('a binary root file is an error and gives an empty document without crashing', () => {
    const dir = tree({ 'dispatcher.any': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0x2f, 0x61]) })
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(sink.items.map((d) => [d.code, d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['ANY_BINARY_FILE', 'error', 1, 1]
    ])
    expect(doc.items).toEqual([])
    expect(doc.files).toEqual([path.join(dir, 'dispatcher.any')])
  })

  it('a missing root file is an error ANY_FILE_MISSING', () => {
    const dir = tree({})
    const { doc, sink } = parseFile(path.join(dir, 'dispatcher.any'))
    expect(codes(sink)).toEqual(['ANY_FILE_MISSING'])
    expect(doc.items).toEqual([])
  })

  it('parseAnyText resolves relative includes from the folder of the file name it is given', () => {
    const dir = tree({ 'conf/x.any': '/x "1"' })
    const sink = new DiagnosticSink()
    const doc = parseAnyText('$include "x.any"', path.join(dir, 'conf/dispatcher.any'), {
      scope: new VariableScope(),
      sink
    })
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([{ prop: 'x', value: '1' }])
    expect(doc.files).toEqual([path.join(dir, 'conf/dispatcher.any'), path.join(dir, 'conf/x.any')])
  })
})
