import { describe, expect, it } from 'vitest'
import { block, child, codes, parseText, ROOT_FILE, shape } from './helpers'

describe('dispatcher.any grammar', () => {
  it('a name with { } is a block, with a string is a property, alone is an empty label', () => {
    const { doc, sink } = parseText('/farms { /publish { /cache { /docroot "/c" /statfileslevel 2 /lonely } } }')
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([
      {
        block: 'farms',
        items: [
          {
            block: 'publish',
            items: [
              {
                block: 'cache',
                items: [{ prop: 'docroot', value: '/c' }, { prop: 'statfileslevel', value: '2' }, { empty: 'lonely' }]
              }
            ]
          }
        ]
      }
    ])
  })

  it('every node keeps file:line:column of its first token, and a block records its closing brace', () => {
    const { doc } = parseText('/name "x"\n  /farms {\n    "item"\n  }')
    const [name, farms] = doc.items
    expect(name.pos).toEqual({ file: ROOT_FILE, line: 1, column: 1 })
    expect(name.kind === 'property' && name.value.pos).toEqual({ file: ROOT_FILE, line: 1, column: 7 })
    expect(farms.pos).toEqual({ file: ROOT_FILE, line: 2, column: 3 })
    expect(farms.kind === 'block' && farms.end).toEqual({ file: ROOT_FILE, line: 4, column: 3 })
    expect(farms.kind === 'block' && farms.items[0].pos).toEqual({ file: ROOT_FILE, line: 3, column: 5 })
  })

  it('a property keeps how its value was quoted (double = glob, single = regex, bare)', () => {
    const { doc } = parseText('/a "g*" /b \'r.*\' /c 300')
    expect(doc.items.map((i) => (i.kind === 'property' ? [i.value.value, i.value.quote] : null))).toEqual([
      ['g*', 'double'],
      ['r.*', 'single'],
      ['300', 'bare']
    ])
  })

  it('unlabeled strings are list items, several per line ("brandA.com" "brandB.com")', () => {
    const { doc } = parseText('/virtualhosts {\n "brandA.com" "brandB.com"\n we-retail }')
    expect(shape(block(doc.items, 'virtualhosts'))).toEqual([
      { str: 'brandA.com' },
      { str: 'brandB.com' },
      { str: 'we-retail' }
    ])
  })

  it('an anonymous { } block has name null and the position of its brace', () => {
    const { doc } = parseText('/rules {\n  { /glob "*/private/*" /type "deny" }\n}')
    const anon = block(doc.items, 'rules')[0]
    expect(anon).toMatchObject({ kind: 'block', name: null, pos: { line: 2, column: 3 } })
  })

  it('a comment between key and value does not separate them (/delay # new line ⏎ 350# Confuse this → 350)', () => {
    const { doc } = parseText('/vanity_urls {\n  /delay # new line\n      350# Confuse this\n  /unknowntoken "1"\n}')
    expect(shape(block(doc.items, 'vanity_urls'))).toEqual([
      { prop: 'delay', value: '350' },
      { prop: 'unknowntoken', value: '1' }
    ])
  })

  it('/0 #{ comments out the brace, so /0 becomes an empty label and the block content moves up', () => {
    const { doc } = parseText('/filter {\n  /0 #{\n  /type "deny"\n}')
    expect(shape(block(doc.items, 'filter'))).toEqual([{ empty: '0' }, { prop: 'type', value: 'deny' }])
  })

  it("a { several lines below its name still opens that name's block", () => {
    const { doc } = parseText('/clientheaders #inline comment\n\n   # more\n  {\n  "*"\n  }')
    expect(shape(doc.items)).toEqual([{ block: 'clientheaders', items: [{ str: '*' }] }])
  })

  it('a value on the line after its name belongs to it (/method ⏎ "POST")', () => {
    const { doc } = parseText('/method\n  "POST"')
    expect(shape(doc.items)).toEqual([{ prop: 'method', value: 'POST' }])
  })

  it('a brace glued to the key (/headers{) opens the block', () => {
    const { doc } = parseText('/headers{\n "Cache-Control" }')
    expect(shape(doc.items)).toEqual([{ block: 'headers', items: [{ str: 'Cache-Control' }] }])
  })

  it('}} closes two blocks and "}  /rules_farm2 {" closes one and opens the next on the same line', () => {
    const { doc, sink } = parseText('/farms {\n  /rules_farm {\n  /cache { }\n}  /rules_farm2 {\n  # Empty\n}}')
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([
      {
        block: 'farms',
        items: [
          { block: 'rules_farm', items: [{ block: 'cache', items: [] }] },
          { block: 'rules_farm2', items: [] }
        ]
      }
    ])
  })

  it('many rules on one line stay separate rules', () => {
    const { doc } = parseText('/0000  { /glob "*" /type "allow" }      /stout  { /glob "x" /type "deny" }')
    expect(doc.items.map((i) => i.kind === 'block' && i.name)).toEqual(['0000', 'stout'])
  })

  it("an unquoted value starting with / is a property value (/glob /en/news/'*?lang=en)", () => {
    const { doc } = parseText('/stout { /glob /en/news/\'*?lang=en /type "deny" }')
    expect(shape(block(doc.items, 'stout'))).toEqual([
      { prop: 'glob', value: "/en/news/'*?lang=en" },
      { prop: 'type', value: 'deny' }
    ])
    const glob = child(block(doc.items, 'stout'), 'glob')
    expect(glob?.kind === 'property' && glob.value.quote).toBe('bare')
  })

  it('a label followed by the next label that opens a block stays an empty label (/empty_farm then /farm2 {)', () => {
    const { doc } = parseText('/farms {\n  /empty_farm\n  # Comment!\n  /farm2\n  {\n  }\n}')
    expect(shape(block(doc.items, 'farms'))).toEqual([{ empty: 'empty_farm' }, { block: 'farm2', items: [] }])
  })

  it('a label followed on the same line by a label that carries a value stays empty (/0000   /glob "*")', () => {
    const { doc } = parseText('/0000   /glob "*" /type "allow"')
    expect(shape(doc.items)).toEqual([
      { empty: '0000' },
      { prop: 'glob', value: '*' },
      { prop: 'type', value: 'allow' }
    ])
  })

  it('a label-looking path on the same line with nothing of its own is the unquoted value (/glob /index.html /type "deny")', () => {
    const { doc } = parseText('{ /glob /index.html /type "deny" }')
    expect(shape(doc.items)).toEqual([
      {
        block: null,
        items: [
          { prop: 'glob', value: '/index.html' },
          { prop: 'type', value: 'deny' }
        ]
      }
    ])
  })

  it('a lone / is ignored with a warning ANY_EMPTY_NAME', () => {
    const { doc, sink } = parseText('/author1 {\n    / /clientheaders #inline comment\n    { "*" }\n}')
    expect(codes(sink)).toEqual(['ANY_EMPTY_NAME'])
    expect(sink.items[0].pos).toEqual({ file: ROOT_FILE, line: 2, column: 5 })
    expect(shape(doc.items)).toEqual([{ block: 'author1', items: [{ block: 'clientheaders', items: [{ str: '*' }] }] }])
  })

  it('an unclosed brace at end of file is an error at the brace itself, and the recovered tree is returned', () => {
    const { doc, sink } = parseText(
      '/name "t"\n/farms {\n  /author1\n  {\n    /clientheaders { "*" "Cache-Control" }\n'
    )
    expect(codes(sink)).toEqual(['ANY_UNCLOSED_BRACE', 'ANY_UNCLOSED_BRACE'])
    expect(sink.items.map((d) => [d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['error', 2, 8],
      ['error', 4, 3]
    ])
    expect(sink.items.map((d) => d.message)).toEqual([
      "'{' of /farms is never closed; the block runs to the end of dispatcher.any",
      "'{' of /author1 is never closed; the block runs to the end of dispatcher.any"
    ])
    const farms = child(doc.items, 'farms')
    expect(farms?.kind === 'block' && farms.end).toBeUndefined()
    expect(shape(block(block(doc.items, 'farms'), 'author1'))).toEqual([
      { block: 'clientheaders', items: [{ str: '*' }, { str: 'Cache-Control' }] }
    ])
  })

  it('a stray } is an error ANY_UNEXPECTED_BRACE and parsing goes on', () => {
    const { doc, sink } = parseText('/a "1"\n}\n/b "2"')
    expect(codes(sink)).toEqual(['ANY_UNEXPECTED_BRACE'])
    expect(sink.items[0]).toMatchObject({ severity: 'error', category: 'syntax', pos: { line: 2, column: 1 } })
    expect(shape(doc.items)).toEqual([
      { prop: 'a', value: '1' },
      { prop: 'b', value: '2' }
    ])
  })

  it('an unclosed quote is an error at file:line:col of the opening quote and the next line parses normally', () => {
    const { doc, sink } = parseText('/clientheaders {\n"handle\'\n"action"\n}')
    expect(sink.items.map((d) => [d.code, d.severity, d.pos])).toEqual([
      ['ANY_UNCLOSED_QUOTE', 'error', { file: ROOT_FILE, line: 2, column: 1 }]
    ])
    expect(shape(doc.items)).toEqual([{ block: 'clientheaders', items: [{ str: "handle'" }, { str: 'action' }] }])
  })

  it('$include without a path is an error', () => {
    const { sink } = parseText('/farms { $include }')
    expect(sink.items.map((d) => [d.code, d.severity, d.pos?.column])).toEqual([['ANY_INCLUDE_NO_PATH', 'error', 10]])
  })

  it('an empty or comment-only text gives an empty tree without diagnostics', () => {
    expect(parseText('').doc.items).toEqual([])
    const r = parseText('# only a comment\n\n# another')
    expect(r.doc.items).toEqual([])
    expect(r.sink.items).toEqual([])
  })

  it('10,000 nested blocks parse without overflowing the stack', () => {
    const depth = 10_000
    const { doc, sink } = parseText('/a {'.repeat(depth) + '}'.repeat(depth))
    expect(sink.items).toEqual([])
    let level = 0
    let items = doc.items
    while (items.length === 1 && items[0].kind === 'block') {
      items = items[0].items
      level++
    }
    expect(level).toBe(depth)
  })
})

describe('${VAR} substitution', () => {
  it('substitutes in every string value and keeps the raw text', () => {
    const { doc, sink } = parseText('/docroot "${DOCROOT}/cache" /port ${AEM_PORT} /re \'${X}\' { "${X}" }', {
      DOCROOT: '/mnt/var/www',
      AEM_PORT: '4503',
      X: 'x'
    })
    expect(sink.items).toEqual([])
    const docroot = doc.items[0]
    expect(docroot.kind === 'property' && [docroot.value.value, docroot.value.raw]).toEqual([
      '/mnt/var/www/cache',
      '${DOCROOT}/cache'
    ])
    expect(shape(doc.items)).toEqual([
      { prop: 'docroot', value: '/mnt/var/www/cache' },
      { prop: 'port', value: '4503' },
      { prop: 're', value: 'x' },
      { block: null, items: [{ str: 'x' }] }
    ])
  })

  it('an undefined name warns VAR_UNDEFINED once per occurrence at its own column and stays literal', () => {
    const { doc, sink } = parseText('/type "${CRX_FILTER}"\n/hostname "${A}:${B}:${A}"', { B: 'b' })
    expect(sink.items.map((d) => [d.code, d.severity, d.pos?.line, d.pos?.column])).toEqual([
      ['VAR_UNDEFINED', 'warning', 1, 8],
      ['VAR_UNDEFINED', 'warning', 2, 12],
      ['VAR_UNDEFINED', 'warning', 2, 22]
    ])
    expect(shape(doc.items)).toEqual([
      { prop: 'type', value: '${CRX_FILTER}' },
      { prop: 'hostname', value: '${A}:b:${A}' }
    ])
  })

  it('names are not substituted and text without $ stays literal ("{DEFAULT_STAT_LEVEL}")', () => {
    const { doc, sink } = parseText('/statfileslevel "{DEFAULT_STAT_LEVEL}"', { DEFAULT_STAT_LEVEL: '2' })
    expect(sink.items).toEqual([])
    expect(shape(doc.items)).toEqual([{ prop: 'statfileslevel', value: '{DEFAULT_STAT_LEVEL}' }])
  })
})
